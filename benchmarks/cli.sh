# Sourced by the benchmark scripts: publishes the CLI as a user installs it (Release, ReadyToRun, as `dotnet publish`
# and the .NET tool package build it) into $TMPDIR/fastglmm-cli, and sets $fastglmm to its launcher. Whole-process
# timings then measure the installed program, not a JIT-only build output.
cli_dir=${TMPDIR:-/tmp}/fastglmm-cli
dotnet publish src/FastGlmm.Cli -c Release -o "$cli_dir" -v q >/dev/null
fastglmm=$cli_dir/fastglmm
