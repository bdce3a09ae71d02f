namespace Weft.Dataplane;
