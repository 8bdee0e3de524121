using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace WxLogin.Web.Data;

/// <summary>
/// An assembly other than WxLogin.Web that holds a feature: its controllers, its entity configurations
/// (IEntityTypeConfiguration) and its scripts (embedded as "database/&lt;provider&gt;/NNNN_name.sql").
/// Registered with AddWxLoginFeature; a feature inside WxLogin.Web needs none of this.
/// </summary>
public sealed record FeatureAssembly(Assembly Assembly);

/// <summary>
/// The feature assemblies whose entity configurations join AppDbContext's model. Carried in the context's
/// options because EF Core caches one model per set of options, not per context instance.
/// </summary>
public sealed class FeatureModelExtension(IReadOnlyList<Assembly> assemblies) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public IReadOnlyList<Assembly> Assemblies { get; } = assemblies;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(FeatureModelExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "";

        public override int GetServiceProviderHashCode() =>
            extension.Assemblies.Aggregate(0, (hash, assembly) => HashCode.Combine(hash, assembly));

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo info && info.Extension is FeatureModelExtension them && them.Assemblies.SequenceEqual(extension.Assemblies);

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["WxLogin:FeatureAssemblies"] = string.Join(", ", extension.Assemblies.Select(a => a.GetName().Name));
    }
}

public static class FeatureModelOptions
{
    /// <summary>Adds the assembly's entity configurations to AppDbContext's model.</summary>
    public static DbContextOptionsBuilder AddFeatureModel(this DbContextOptionsBuilder options, Assembly assembly)
    {
        var assemblies = options.Options.FindExtension<FeatureModelExtension>()?.Assemblies ?? [];
        if (!assemblies.Contains(assembly))
        {
            ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new FeatureModelExtension([.. assemblies, assembly]));
        }
        return options;
    }
}
