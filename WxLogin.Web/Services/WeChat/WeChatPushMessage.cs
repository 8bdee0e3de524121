using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Net.Http.Headers;

namespace WxLogin.Web.Services.WeChat;

/// <summary>The two body formats the admin console offers for message push.</summary>
public enum WeChatPushFormat
{
    Json,
    Xml,
}

/// <summary>
/// One pushed message (or safe mode's envelope) as its top-level fields, XML elements or JSON
/// properties alike: numbers as their text, arrays of numbers or strings comma-joined, nested objects left out.
/// </summary>
public sealed class WeChatPushMessage
{
    // No DTD, no external entities: a pushed body is data, never a recipe for fetching more.
    private static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private readonly Dictionary<string, string> _fields;

    private WeChatPushMessage(Dictionary<string, string> fields) => _fields = fields;

    public string? this[string name] => _fields.TryGetValue(name, out var value) ? value : null;

    public string? MsgType => this["MsgType"];

    public string? Event => this["Event"];

    /// <summary>The user an authorization event is about.</summary>
    public string? OpenId => this["OpenID"];

    public string? RevokeInfo => this["RevokeInfo"];

    /// <summary>
    /// The format the Content-Type declares (…json or …xml); without one of those, the body's first
    /// character decides. Null when neither says.
    /// </summary>
    public static WeChatPushFormat? DeclaredFormat(string? contentType, string body)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.MediaType.HasValue)
        {
            var type = mediaType.MediaType.Value;
            if (type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            {
                return WeChatPushFormat.Json;
            }
            if (type.EndsWith("xml", StringComparison.OrdinalIgnoreCase))
            {
                return WeChatPushFormat.Xml;
            }
        }
        return body.TrimStart() switch
        {
            ['<', ..] => WeChatPushFormat.Xml,
            ['{', ..] => WeChatPushFormat.Json,
            _ => null,
        };
    }

    /// <summary>The fields of a body in the given format; null when the body is not that format.</summary>
    public static WeChatPushMessage? Parse(string body, WeChatPushFormat format)
    {
        try
        {
            return format == WeChatPushFormat.Json ? ParseJson(body) : ParseXml(body);
        }
        catch (Exception ex) when (ex is JsonException or XmlException)
        {
            return null;
        }
    }

    private static WeChatPushMessage? ParseJson(string body)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (Text(property.Value) is { } text)
            {
                fields.TryAdd(property.Name, text);
            }
        }
        return new WeChatPushMessage(fields);
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind is JsonValueKind.String or JsonValueKind.Number) =>
            string.Join(",", value.EnumerateArray().Select(item => Text(item))),
        _ => null,
    };

    private static WeChatPushMessage ParseXml(string body)
    {
        using var reader = XmlReader.Create(new StringReader(body), SafeXml);
        var root = XDocument.Load(reader).Root!;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var element in root.Elements().Where(element => !element.HasElements))
        {
            fields.TryAdd(element.Name.LocalName, element.Value);
        }
        return new WeChatPushMessage(fields);
    }
}
