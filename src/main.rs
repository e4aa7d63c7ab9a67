fn main() -> std::process::ExitCode {
    aftercare::app::main_with_args(std::env::args_os()).into()
}
