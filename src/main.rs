use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    gongkai_kiosk::cli::run(gongkai_kiosk::cli::Cli::parse())
}
