using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace WxLogin.Web.Errors;

/// <summary>
/// The title and detail of an error answer in the request's language (Resources/Errors/ProblemTexts.zh.resx
/// for Chinese), chosen by Accept-Language through request localisation. The English text is the key, so the
/// code throws plain English and a missing translation answers English rather than nothing. A key with
/// {0}, {1} stands for a text with values filled in ("Retry in {0} seconds"); each value is translated
/// too when it is a text of its own. The code field never changes.
/// </summary>
public sealed class ProblemTexts(IStringLocalizer<ProblemTexts> localizer)
{
    // {0} in a key, once Regex.Escape has made it \{0}; and {0} in a translation.
    private static readonly Regex Placeholder = new(@"\\\{(\d+)}", RegexOptions.CultureInvariant);
    private static readonly Regex FilledHole = new(@"\{(\d+)}", RegexOptions.CultureInvariant);

    // Per language: the keys with placeholders, as patterns that match the filled-in English.
    private readonly ConcurrentDictionary<string, (Regex Pattern, string Translation)[]> _templates = new();

    public string Translate(string english)
    {
        var exact = localizer[english];
        if (!exact.ResourceNotFound)
        {
            return exact.Value;
        }
        foreach (var (pattern, translation) in TemplatesFor(CultureInfo.CurrentUICulture))
        {
            if (pattern.Match(english) is { Success: true } match)
            {
                return FilledHole.Replace(translation, hole => Translate(match.Groups["p" + hole.Groups[1].Value].Value));
            }
        }
        return english;
    }

    private (Regex Pattern, string Translation)[] TemplatesFor(CultureInfo culture) => _templates.GetOrAdd(culture.Name, _ =>
    {
        try
        {
            return [.. localizer.GetAllStrings(includeParentCultures: true)
                .Where(text => text.Name.Contains("{0}", StringComparison.Ordinal))
                .Select(text => (new Regex("^" + Placeholder.Replace(Regex.Escape(text.Name), hole => $"(?<p{hole.Groups[1].Value}>.+?)") + "$",
                    RegexOptions.CultureInvariant | RegexOptions.Singleline), text.Value))];
        }
        catch (MissingManifestResourceException)
        {
            return []; // a language without resources (English): the key is the text
        }
    });
}
