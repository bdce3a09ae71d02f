namespace Weft.Store.Etcd;
