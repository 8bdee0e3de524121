using System.Reflection;
using Microsoft.Data.SqlClient;

namespace WxLogin.Tests.Data.SqlServer;

/// <summary>
/// SqlException has no public constructor; SqlClient builds it from an error collection. This does
/// the same through reflection (internal SqlError constructor, SqlErrorCollection.Add, SqlException.CreateException
/// as in Microsoft.Data.SqlClient 6.1), so the faults see a real SqlException with the server's error number.
/// A SqlClient bump that renames them fails SqlServerFaultsTests' checks of the built exception, not silently.
/// </summary>
internal static class SqlExceptions
{
    private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;

    /// <param name="number">the server's error number (0 for SqlClient's own errors).</param>
    /// <param name="errorClass">the severity: 11 to 16 for a statement's error, 20 and above ends the connection.</param>
    public static SqlException WithNumber(int number, byte errorClass = 16, string message = "test") =>
        WithErrors((number, errorClass, message));

    /// <summary>One exception carrying several errors, in order, as SqlClient reports a cancelled command.</summary>
    public static SqlException WithErrors(params (int Number, byte Class, string Message)[] errors)
    {
        var collection = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        foreach (var (number, errorClass, message) in errors)
        {
            typeof(SqlErrorCollection).GetMethod("Add", Internal)!.Invoke(collection, [Error(number, errorClass, message)]);
        }

        var create = typeof(SqlException).GetMethod("CreateException", BindingFlags.NonPublic | BindingFlags.Static,
            [typeof(SqlErrorCollection), typeof(string)])!;
        return (SqlException)create.Invoke(null, [collection, "15.0.0"])!;
    }

    private static SqlError Error(int number, byte errorClass, string message)
    {
        var errorConstructor = typeof(SqlError).GetConstructors(Internal)
            .Where(c => c.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(int))
            .OrderBy(c => c.GetParameters().Length)
            .First();
        return (SqlError)errorConstructor.Invoke(errorConstructor.GetParameters()
            .Select((parameter, index) => index == 0 ? number : parameter.Name switch
            {
                "errorClass" => errorClass,
                "errorMessage" => message,
                _ => DefaultFor(parameter),
            })
            .ToArray());
    }

    private static object? DefaultFor(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var t when t == typeof(string) => "test",
        var t when t.IsValueType => Activator.CreateInstance(t),
        _ => null,
    };
}
