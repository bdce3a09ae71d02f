namespace Weft.Linux.Netns;
