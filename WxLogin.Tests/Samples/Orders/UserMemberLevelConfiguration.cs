using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WxLogin.Web.Models;

namespace WxLogin.Tests.Samples.Orders;

/// <summary>
/// A field of our own on the user: a shadow property, so User.cs stays as WxLogin ships it. Read it with
/// EF.Property&lt;int&gt;(user, "MemberLevel").
/// </summary>
public sealed class UserMemberLevelConfiguration : IEntityTypeConfiguration<User>
{
    public const string MemberLevel = "MemberLevel";

    public void Configure(EntityTypeBuilder<User> user) => user.Property<int>(MemberLevel);
}
