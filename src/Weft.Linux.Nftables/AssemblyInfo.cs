namespace Weft.Linux.Nftables;
