using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using WxLogin.Web.Models;

namespace WxLogin.Web.Data;

/// <summary>EF Core for writes. The schema itself comes from the scripts in database/; this model must match them.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

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
        user.HasIndex(u => u.OpenId).IsUnique();
        user.HasIndex(u => u.TokenDigest).IsUnique().HasFilter("TokenDigest IS NOT NULL");
        user.HasIndex(u => u.UnionId).HasFilter("UnionId IS NOT NULL");
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        toStore => toStore.ToUniversalTime(),
        fromStore => DateTime.SpecifyKind(fromStore, DateTimeKind.Utc));
}
