namespace Weft.Lab;
