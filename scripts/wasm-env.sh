# Sourced by the scripts that build for wasm32: the environment a threaded build needs.

# Rebuild std with atomics for the threaded module (the prebuilt wasm32 std has none). An
# environment variable rather than an [unstable] table in .cargo/config.toml, because there it
# would also rebuild std for the native tests, which need the ordinary unwinding host std.
export CARGO_UNSTABLE_BUILD_STD=panic_abort,std
