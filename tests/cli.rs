//! The `vitrina` binary end to end: migrations, stores, staff, demo data, settings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::result_large_err)]
use std::path::Path;
use std::process::{Command, Output};

use testkit::TestDb;

fn vitrina(db_url: &str, data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrina"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VITRINA__DATABASE__URL", db_url)
        .env("VITRINA__DATA_DIR", data_dir)
        .env("VITRINA__LOG__FILTER", "warn")
        .output()
        .expect("run vitrina")
}

/// Splits a command line on spaces (no quoting needed in these tests).
fn cmd(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn ok(out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "failed:\n{stdout}\n{stderr}");
    stdout
}

fn fails(out: Output) -> String {
    assert!(
        !out.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn migrate_store_staff_and_demo_through_the_cli() {
    let db = TestDb::empty().await;
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| vitrina(db.url(), data.path(), args);

    let status = ok(run(&cmd("migrate status")));
    assert!(status.contains("Pending"), "{status}");
    let up = ok(run(&cmd("migrate up")));
    assert!(!up.contains("Pending") && up.contains("Applied"), "{up}");

    let created = ok(run(&[
        "store",
        "create",
        "--slug",
        "kyiv",
        "--name",
        "Kyiv_Shop",
        "--currency",
        "uah",
    ]));
    assert!(created.contains("created store kyiv"), "{created}");
    let err = fails(run(&cmd(
        "store create --slug kyiv --name Again --currency UAH",
    )));
    assert!(err.contains("kyiv"), "{err}");
    let err = fails(run(&[
        "store",
        "create",
        "--slug",
        "bad slug",
        "--name",
        "X",
        "--currency",
        "UAH",
    ]));
    assert!(err.contains("slug"), "{err}");

    ok(run(&cmd("staff grant --telegram-id 42 --role owner")));
    ok(run(&cmd(
        "staff grant --telegram-id 43 --role admin --store kyiv",
    )));
    let err = fails(run(&cmd("staff grant --telegram-id 44 --role admin")));
    assert!(err.contains("store"), "{err}");
    let err = fails(run(&cmd(
        "staff grant --telegram-id 44 --role king --store kyiv",
    )));
    assert!(err.contains("role"), "{err}");
    let err = fails(run(&cmd("staff revoke --telegram-id 42")));
    assert!(err.contains("last owner"), "{err}");

    let seeded = ok(run(&cmd("demo seed")));
    assert!(seeded.contains("created demo store"), "{seeded}");
    let again = ok(run(&cmd("demo seed")));
    assert!(again.contains("already there"), "{again}");
    let stores = ok(run(&cmd("store list")));
    assert!(
        stores.contains("kyiv") && stores.contains("demo"),
        "{stores}"
    );

    let err = fails(run(&cmd("migrate fresh")));
    assert!(err.contains("--yes"), "{err}");
    let down = ok(run(&cmd("migrate down --steps 100")));
    assert!(!down.contains("Applied"), "{down}");
}

#[tokio::test]
async fn admin_commands_refuse_a_schema_that_is_behind_on_servers() {
    let db = TestDb::empty().await;
    let data = tempfile::tempdir().unwrap();
    let out = vitrina(db.url(), data.path(), &["store", "list"]);
    if db.url().starts_with("sqlite:") {
        // The embedded default migrates by itself.
        ok(out);
    } else {
        let err = fails(out);
        assert!(err.contains("migrate up"), "{err}");
    }
}

#[test]
fn secrets_never_print_and_the_jwt_secret_is_kept() {
    use vitrina::settings::{Secret, Settings};
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        data_dir: data.path().to_path_buf(),
        ..Settings::default()
    };
    settings.telegram.token = Some(Secret::new("123456:very-secret-token"));
    let url = "postgres://vitrina:hunter2@db.local:5432/shop";
    settings.database.url = Some(serde_json::from_value(serde_json::json!(url)).unwrap());
    let debug = format!("{settings:?}");
    assert!(
        !debug.contains("very-secret-token") && !debug.contains("hunter2"),
        "{debug}"
    );
    assert!(
        debug.contains("[redacted]") && debug.contains("db.local"),
        "{debug}"
    );

    let first = settings.jwt_secret().unwrap();
    assert!(first.expose().len() >= 43);
    let second = settings.jwt_secret().unwrap();
    assert_eq!(
        first.expose(),
        second.expose(),
        "generated once, then reused"
    );
    assert!(format!("{first:?}") == "[redacted]");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.path().join("jwt_secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read it");
    }
}

#[test]
fn environment_overrides_local_overrides_default() {
    figment::Jail::expect_with(|jail| {
        jail.create_file(
            "default.toml",
            "data_dir = \"from-file\"\n[log]\nformat = \"json\"\n",
        )?;
        jail.create_file("local.toml", "[server]\nbind = \"0.0.0.0:9999\"\n")?;
        jail.set_env("VITRINA__DATA_DIR", "from-env");
        jail.set_env("VITRINA__DATABASE__MAX_CONNECTIONS", "3");
        let s = vitrina::settings::Settings::load(Path::new(".")).map_err(|e| e.to_string())?;
        assert_eq!(s.data_dir, Path::new("from-env"));
        assert_eq!(s.server.bind, "0.0.0.0:9999");
        assert_eq!(s.database.max_connections, 3);
        assert_eq!(s.log.format, vitrina::settings::LogFormat::Json);
        assert!(s.auto_migrate(), "SQLite by default, migrated on start");
        Ok(())
    });
}

/// `serve` on a fresh database migrates before anything reads a table: no follower of the
/// outbox starts on a schema that is not there yet.
#[test]
fn serve_on_a_fresh_database_migrates_before_following_the_outbox() {
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("serve.log");
    let url = format!("sqlite://{}/fresh.db?mode=rwc", data.path().display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitrina"))
        .args(["serve", "--only", "worker"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VITRINA__DATABASE__URL", &url)
        .env("VITRINA__DATA_DIR", data.path())
        .env("VITRINA__LOG__FILTER", "debug,sqlx=warn,sea_orm=warn")
        .env("VITRINA__BUS__POLL_MS", "20")
        .stderr(std::fs::File::create(&log).unwrap())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !read().contains("applying pending migrations") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Long enough for many bus polls and a relay pass after the migrations.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let _ = child.kill();
    let _ = child.wait();
    let text = read();
    assert!(text.contains("applying pending migrations"), "{text}");
    assert!(!text.contains("no such table"), "{text}");
}
