using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>
/// EF Core for writes off the hot path (phone, profile, user info). The schema itself comes from the
/// scripts in database/; this model must match them. Every saved change to a user reaches the
/// opt-in <see cref="TokenCache"/>, so [CheckToken] never answers with a stale or deleted user.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options, TokenCache? tokenCache = null) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changed = ChangedUserIds();
        var result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        Forget(changed);
        return result;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var changed = ChangedUserIds();
        var result = base.SaveChanges(acceptAllChangesOnSuccess);
        Forget(changed);
        return result;
    }

    private List<int> ChangedUserIds() => tokenCache is not { Enabled: true } ? [] : ChangeTracker.Entries<User>()
        .Where(e => e.State is EntityState.Modified or EntityState.Deleted)
        .Select(e => e.Entity.Id)
        .ToList();

    private void Forget(List<int> userIds)
    {
        foreach (var id in userIds)
        {
            tokenCache!.Forget(id);
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; the database stores it without a zone, so say so on the way back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var user = modelBuilder.Entity<User>();
        user.ToTable("Users");
        user.Property(u => u.OpenId).HasMaxLength(64).IsRequired();
        user.Property(u => u.UnionId).HasMaxLength(User.UnionIdMaxLength);
        user.Property(u => u.Nickname).HasMaxLength(User.NicknameMaxLength);
        user.Property(u => u.AvatarUrl).HasMaxLength(User.AvatarUrlMaxLength);
        user.Property(u => u.PhoneNumber).HasMaxLength(User.PhoneNumberMaxLength);
        user.Property(u => u.PurePhoneNumber).HasMaxLength(User.PhoneNumberMaxLength);
        user.Property(u => u.CountryCode).HasMaxLength(User.CountryCodeMaxLength);
        user.Property(u => u.TokenDigest).HasMaxLength(32);
        user.Property(u => u.ReplacedTokenDigest).HasMaxLength(32);
        user.HasIndex(u => u.OpenId).IsUnique();
        user.HasIndex(u => u.TokenDigest).IsUnique().HasFilter("TokenDigest IS NOT NULL");
        user.HasIndex(u => u.UnionId).HasFilter("UnionId IS NOT NULL");
        user.HasIndex(u => u.ReplacedTokenDigest).HasFilter("ReplacedTokenDigest IS NOT NULL");
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        toStore => toStore.ToUniversalTime(),
        fromStore => DateTime.SpecifyKind(fromStore, DateTimeKind.Utc));
}
