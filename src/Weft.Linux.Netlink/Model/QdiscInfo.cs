namespace Weft.Linux.Netlink;

/// <summary>A queueing discipline as the kernel lists it: the link, its kind ("tbf", "noqueue", ...) and whether it is the root.</summary>
public sealed record QdiscInfo(int IfIndex, string Kind, uint Handle, uint Parent)
{
    public bool IsRoot => Parent == 0xFFFFFFFF;
}
