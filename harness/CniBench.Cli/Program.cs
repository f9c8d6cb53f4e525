using CniBench.Cli;

return await CliApp.InvokeAsync(args);
