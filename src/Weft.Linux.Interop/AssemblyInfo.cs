using System.Runtime.CompilerServices;

// Every signature here is blittable (or uses LibraryImport-generated marshalling), so the
// runtime never has to marshal on our behalf.
[assembly: DisableRuntimeMarshalling]
