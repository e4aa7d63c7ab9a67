fn main() {
    std::process::exit(aftercare::app::main_with_args(std::env::args_os()));
}
