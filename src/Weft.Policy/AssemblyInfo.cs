namespace Weft.Policy;
