namespace Weft.Linux.Interop;
