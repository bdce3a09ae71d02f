namespace Weft.Linux.Netlink;
