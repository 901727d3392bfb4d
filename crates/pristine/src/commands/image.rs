//! `pristine image IMAGE|TARBALL|DIR`: read a built image without running it, report what
//! will fail when it runs, and summarise its layers.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};
use pristine_image::{Image, Options};
use pristine_workspace::{Options as ConfigOptions, OutputFormat};

use crate::Outcome;
use crate::cli::ImageArgs;
use crate::commands::check::{load_settings, report_config_error};
use crate::commands::context::{human_bytes, plural};
use crate::commands::error_user;
use crate::render::{self, Sources};

fn read(args: &ImageArgs, options: &Options) -> Result<Image> {
    let path = Path::new(&args.image);
    if path.exists() {
        return pristine_image::open_path(path, options)
            .with_context(|| format!("cannot read the image `{}`", args.image));
    }
    let host = std::env::var("DOCKER_HOST").ok();
    pristine_image::docker::open_image(&args.image, host.as_deref(), options).with_context(|| {
        format!(
            "`{}` is not a file or directory, and could not be read from the Docker engine",
            args.image
        )
    })
}

/// The platform, OS, libc, Python and the largest layers with their instructions.
fn summary(out: &mut dyn Write, image: &Image, top: usize) -> std::io::Result<()> {
    let mut facts = vec![image.platform.docker()];
    if let Some(os) = &image.os_name {
        facts.push(os.clone());
    }
    match (image.platform.libc, image.platform.glibc) {
        (Some(libc), Some(version)) => facts.push(format!("{libc} {version}")),
        (Some(libc), None) => facts.push(libc.to_string()),
        _ => {}
    }
    if let Some((major, minor)) = image.python {
        facts.push(format!("Python {major}.{minor}"));
    }
    let tags = if image.repo_tags.is_empty() {
        String::new()
    } else {
        format!(" ({})", image.repo_tags.join(", "))
    };
    writeln!(out, "{}{tags}: {}", image.source, facts.join(", "))?;
    let total: u64 = image.layers.iter().map(|l| l.file_bytes).sum();
    let stored: u64 = image.layers.iter().map(|l| l.stored_size).sum();
    let wasted: u64 = image.fs.waste.iter().map(|w| w.bytes).sum();
    writeln!(
        out,
        "{}, {} of files ({} stored), {} in the final filesystem, {} wasted by later layers",
        plural(image.layers.len() as u64, "layer", "layers"),
        human_bytes(total),
        human_bytes(stored),
        plural(image.fs.len() as u64, "file", "files"),
        human_bytes(wasted)
    )?;
    let mut order: Vec<usize> = (0..image.layers.len()).collect();
    order.sort_by(|a, b| {
        image.layers[*b]
            .file_bytes
            .cmp(&image.layers[*a].file_bytes)
            .then(a.cmp(b))
    });
    order.truncate(top);
    order.sort_unstable();
    for index in order {
        let layer = &image.layers[index];
        let instruction = layer.instruction.as_deref().map_or_else(
            || layer.blob.clone(),
            |i| {
                let i = i.split_whitespace().collect::<Vec<_>>().join(" ");
                if i.chars().count() > 100 {
                    format!("{}…", i.chars().take(99).collect::<String>())
                } else {
                    i
                }
            },
        );
        writeln!(
            out,
            "  {:>3}  {:>10}  {instruction}",
            index + 1,
            human_bytes(layer.file_bytes)
        )?;
    }
    if image.layers.len() > top {
        writeln!(
            out,
            "  ({} smaller layers not shown)",
            image.layers.len() - top
        )?;
    }
    writeln!(out)
}

pub(crate) fn image(args: &ImageArgs) -> Result<Outcome> {
    let cli_layer = ConfigOptions {
        fail_on: args.fail_on,
        output_format: args.output_format,
        ..ConfigOptions::default()
    };
    let settings = match load_settings(&args.config, Path::new("."), cli_layer) {
        Ok(settings) => settings,
        Err(err) => {
            report_config_error(&err);
            return Ok(Outcome::Error);
        }
    };
    let platform = match &args.platform {
        Some(p) => match p.parse() {
            Ok(platform) => Some(platform),
            Err(err) => {
                error_user(&format!("{err}"));
                return Ok(Outcome::Error);
            }
        },
        None => None,
    };
    let options = Options {
        platform,
        ..Options::default()
    };
    let image = match read(args, &options) {
        Ok(image) => image,
        Err(err) => {
            error_user(&format!("{err:#}"));
            return Ok(Outcome::Error);
        }
    };
    let diagnostics =
        pristine_linter::check_image(&image, Path::new(&args.image), &settings.linter);
    let format = settings.output_format.unwrap_or(OutputFormat::Full);
    let mut stdout = anstream::stdout().lock();
    if format == OutputFormat::Full {
        summary(&mut stdout, &image, args.top)?;
    }
    render::render(&mut stdout, format, &diagnostics, &Sources::default())?;
    if diagnostics.is_empty() && format == OutputFormat::Full {
        writeln!(stdout, "All checks passed!")?;
    }
    stdout.flush()?;
    let failing = diagnostics
        .iter()
        .any(|d| d.severity >= settings.linter.fail_on);
    Ok(if !failing || args.exit_zero {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
