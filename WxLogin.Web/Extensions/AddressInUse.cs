using Microsoft.AspNetCore.Connections;

namespace WxLogin.Web.Extensions;

/// <summary>
/// A second `dotnet run` on a port that is taken: one line saying which address and how to choose
/// another, and a non-zero exit, instead of Kestrel's exception and stack trace.
/// </summary>
public static class AddressInUse
{
    /// <summary>Runs the app; returns the process exit code (1 when the address is taken).</summary>
    public static int RunOrExplainAddressInUse(this WebApplication app)
    {
        try
        {
            app.Run();
            return 0;
        }
        catch (IOException exception) when (exception.InnerException is AddressInUseException)
        {
            Console.Error.WriteLine(Explain(exception));
            return 1;
        }
    }

    /// <summary>Kestrel's message names the address: "Failed to bind to address http://127.0.0.1:5000: address already in use."</summary>
    internal static string Explain(IOException exception) =>
        $"WxLogin did not start. {exception.Message} Stop the process listening there (another WxLogin?) " +
        "or choose another address: dotnet run --project WxLogin.Web --urls http://localhost:5080";
}
