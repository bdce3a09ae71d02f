namespace Weft.Core;
