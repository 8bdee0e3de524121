using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WxLogin.Web.Services;

/// <summary>
/// Readiness: the Data Protection key ring (it encrypts session_key) can protect and unprotect.
/// The same probe runs at start (<see cref="Options.KeyRingOptionsValidator"/>).
/// </summary>
public sealed class KeyRingHealthCheck(IDataProtectionProvider dataProtection) : IHealthCheck
{
    private const string ProbePurpose = "WxLogin.KeyRingProbe";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Probe(dataProtection) is { } failure
            ? HealthCheckResult.Unhealthy("The Data Protection key ring cannot be used.", failure)
            : HealthCheckResult.Healthy());

    /// <summary>Protects and unprotects a value; the exception when that fails, else null.</summary>
    public static Exception? Probe(IDataProtectionProvider dataProtection)
    {
        try
        {
            var protector = dataProtection.CreateProtector(ProbePurpose);
            var probe = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            return protector.Unprotect(protector.Protect(probe)) == probe
                ? null
                : new CryptographicException("The key ring unprotected a value into another.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or System.Xml.XmlException or InvalidOperationException)
        {
            return ex;
        }
    }
}
