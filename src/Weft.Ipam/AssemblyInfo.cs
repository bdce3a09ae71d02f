namespace Weft.Ipam;
