using System.Globalization;
using System.Text;
using WxLogin.Web.Models;

namespace WxLogin.Web.Services;

/// <summary>
/// What a nickname and an avatar URL may be, whoever sends them (PUT /api/user/profile, the decrypted
/// user info). docs/limits.md states the rules for clients.
/// </summary>
public static class ProfileRules
{
    /// <summary>What a person counts as characters (text elements: an emoji with its modifiers is one).</summary>
    public const int NicknameMaxTextElements = 64;

    /// <summary>The nickname WeChat gives everyone since 2022-11 (getUserProfile, getUserInfo): not the user's own.</summary>
    public const string PlaceholderNickname = "微信用户";

    /// <summary>WeChat's grey default avatar, served from *.qlogo.cn under any size folder and suffix (/0, /46, /64, /96, /132).</summary>
    private const string PlaceholderAvatarImage = "POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg";

    /// <summary>ZERO WIDTH JOINER: allowed inside an emoji sequence (👩‍💻), nowhere else.</summary>
    private const int ZeroWidthJoiner = 0x200D;

    /// <summary>WAVING BLACK FLAG: the only base the tag characters may follow (the England, Scotland and Wales flags).</summary>
    private const int BlackFlag = 0x1F3F4;

    /// <summary>Characters that look like nothing though Unicode calls them letters or symbols.</summary>
    private static readonly HashSet<int> Blanks = [0x3164, 0x115F, 0x1160, 0xFFA0, 0x2800];

    /// <summary>
    /// 1 to 64 text elements, at most <see cref="User.NicknameMaxLength"/> UTF-16 units (the column), at
    /// least one visible character; no control, format (bidi overrides, zero-width), line or paragraph
    /// separator characters, no spaces but U+0020 and the ideographic space U+3000, no Hangul fillers.
    /// </summary>
    public static bool IsValidNickname(string nickname)
    {
        if (nickname.Length > User.NicknameMaxLength || HasLoneSurrogate(nickname))
        {
            return false;
        }
        var elements = 0;
        var visible = false;
        var enumerator = StringInfo.GetTextElementEnumerator(nickname);
        while (enumerator.MoveNext())
        {
            elements++;
            var runes = enumerator.GetTextElement().EnumerateRunes().ToArray();
            for (var i = 0; i < runes.Length; i++)
            {
                var rune = runes[i];
                if (Blanks.Contains(rune.Value))
                {
                    return false;
                }
                switch (Rune.GetUnicodeCategory(rune))
                {
                    case UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                        return false;
                    case UnicodeCategory.SpaceSeparator when rune.Value is not (' ' or '\u3000'):
                        return false;
                    case UnicodeCategory.Format when !IsEmojiFormat(runes, i):
                        return false;
                }
                visible |= IsVisible(rune);
            }
        }
        return elements is > 0 and <= NicknameMaxTextElements && visible;
    }

    /// <summary>
    /// An absolute https URL of at most <see cref="User.AvatarUrlMaxLength"/> characters whose host is a
    /// DNS name (IDN allowed): no IP literal, no user info, no whitespace, control or format characters.
    /// </summary>
    public static bool IsValidAvatarUrl(string avatarUrl) =>
        avatarUrl.Length <= User.AvatarUrlMaxLength
        && !avatarUrl.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
        && Uri.TryCreate(avatarUrl, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && uri.UserInfo.Length == 0
        && uri.HostNameType == UriHostNameType.Dns
        && IsDomainName(uri.IdnHost);

    /// <summary>WeChat's placeholder nickname ("微信用户"), not one the user chose.</summary>
    public static bool IsPlaceholderNickname(string nickname) => nickname.Trim() == PlaceholderNickname;

    /// <summary>WeChat's grey default avatar, whatever its size folder, size suffix or scheme.</summary>
    public static bool IsPlaceholderAvatar(string avatarUrl) =>
        Uri.TryCreate(avatarUrl, UriKind.Absolute, out var uri)
        && (uri.Host.Equals("qlogo.cn", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".qlogo.cn", StringComparison.OrdinalIgnoreCase))
        && uri.AbsolutePath.Split('/').Contains(PlaceholderAvatarImage, StringComparer.Ordinal);

    /// <summary>A zero-width joiner between two parts of one text element, or a tag character of a flag sequence.</summary>
    private static bool IsEmojiFormat(Rune[] element, int at) =>
        element[at].Value == ZeroWidthJoiner
            ? at > 0 && at < element.Length - 1
            : element[at].Value is >= 0xE0020 and <= 0xE007F && element[0].Value == BlackFlag;

    private static bool IsVisible(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.Format or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse => false,
        _ => true,
    };

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Dot-separated labels of letters, digits and hyphens (the IDN host is ASCII), the last not all digits.</summary>
    private static bool IsDomainName(string host)
    {
        var labels = host.Split('.');
        return host.Length <= 253
            && labels.Length >= 2
            && labels.All(label => label.Length is > 0 and <= 63
                && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                && label[0] != '-' && label[^1] != '-')
            && !labels[^1].All(char.IsAsciiDigit);
    }
}
