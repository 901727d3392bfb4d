#![no_main]
//! `pristine_binary::inspect` on arbitrary bytes: never panics; whatever it returns can be
//! displayed and judged against every target platform.

use libfuzzer_sys::fuzz_target;
use pristine_binary::{Platform, compatibility, inspect};

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = inspect(data) {
        let _ = info.to_string();
        for target in [
            "linux/amd64",
            "linux/arm64",
            "linux/arm/v7",
            "linux/s390x",
            "linux/386",
        ] {
            if let Ok(platform) = target.parse::<Platform>() {
                let _ = compatibility(&info, &platform.clone().with_base_image("python:3.11-slim"));
                let _ = compatibility(&info, &platform.with_base_image("python:3.11-alpine"));
            }
        }
    }
});
