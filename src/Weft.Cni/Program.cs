using Weft.Cni;

return CniPlugin.Run(Environment.GetEnvironmentVariable, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.OpenStandardError());
