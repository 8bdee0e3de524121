using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WxLogin.Tests.Samples.Orders;

/// <summary>Orders in AppDbContext's model, which applies every IEntityTypeConfiguration it finds.</summary>
public sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.ToTable("Orders");
        order.Property(o => o.Item).HasMaxLength(Order.ItemMaxLength).IsRequired();
        order.HasIndex(o => o.UserId);
    }
}
