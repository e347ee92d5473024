//! `ketnoi`: the server and the operators' command line.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use ketnoi::demo;
use platform::auth::{password, store, Role};
use platform::types::{Email, WardCode};
use platform::{audit, Db, Settings};
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "ketnoi", version, about = "Kết Nối — labour-market information system of a Vietnamese province")]
struct Cli {
    /// Database: a SQLite file path or sqlite:// URL, or a postgres:// URL.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://ketnoi-data/ketnoi.db", global = true)]
    database: String,
    /// Folder for uploads, rejected-row files and exports.
    #[arg(long, env = "KETNOI_DATA_DIR", default_value = "ketnoi-data", global = true)]
    data_dir: PathBuf,
    /// GSO code of the province this installation serves (56 = Khánh Hòa).
    #[arg(long, env = "KETNOI_PROVINCE", default_value = "56", global = true)]
    province: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (migrates and loads reference data first).
    Serve {
        #[arg(long, env = "KETNOI_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Add the demo accounts (one per role; password in the README).
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served over HTTPS).
        #[arg(long, env = "KETNOI_SECURE_COOKIES")]
        secure_cookies: bool,
        /// A reverse proxy whose X-Forwarded-For is believed (repeat for several;
        /// the variable takes a comma-separated list). Nobody else's is.
        #[arg(long = "trusted-proxy", env = "KETNOI_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Where the public reaches this server (links in feeds, sitemaps, posters, mails).
        #[arg(long, env = "KETNOI_PUBLIC_URL")]
        public_url: Option<String>,
        /// Send e-mail notifications through this server: smtp://host:port.
        #[arg(long, env = "KETNOI_SMTP_URL")]
        smtp_url: Option<String>,
        /// Sender of notification mails.
        #[arg(long, env = "KETNOI_MAIL_FROM", default_value = "Kết Nối <no-reply@ketnoi.invalid>")]
        mail_from: String,
        /// Send messages to people's phones through this SMS gateway (http://; see the README).
        #[arg(long, env = "KETNOI_SMS_URL")]
        sms_url: Option<String>,
        #[arg(long, env = "KETNOI_SMS_TOKEN", hide_env_values = true)]
        sms_token: Option<String>,
        /// Send Zalo (ZNS) messages through this endpoint (http://, a relay to Zalo's API).
        #[arg(long, env = "KETNOI_ZALO_URL")]
        zalo_url: Option<String>,
        #[arg(long, env = "KETNOI_ZALO_TOKEN", hide_env_values = true)]
        zalo_token: Option<String>,
        /// The approved ZNS template the messages use.
        #[arg(long, env = "KETNOI_ZALO_TEMPLATE")]
        zalo_template: Option<String>,
        /// The organisation that runs this installation, named on every page
        /// (default: the employment service centre of the province).
        #[arg(long, env = "KETNOI_ORG_NAME")]
        org_name: Option<String>,
        /// Its hotline, shown on every page (with --demo: a sample number).
        #[arg(long, env = "KETNOI_ORG_HOTLINE")]
        org_hotline: Option<String>,
        /// Its address, shown in the footer.
        #[arg(long, env = "KETNOI_ORG_ADDRESS")]
        org_address: Option<String>,
        /// Its logo: a PNG, JPEG, SVG or WebP file of at most 1 MiB.
        #[arg(long, env = "KETNOI_ORG_LOGO")]
        org_logo: Option<std::path::PathBuf>,
    },
    /// Apply migrations and load reference data, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// API bearer tokens for integrations.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Administrative units.
    #[command(subcommand)]
    Address(AddressCmd),
    /// Import data files.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Background jobs (imports from anywhere, scheduled work): list the latest, or stop one.
    Jobs {
        /// Ask this running job to stop (it stops within a few seconds, from any process).
        #[arg(long)]
        cancel: Option<i64>,
    },
    /// Consistent copy of the database into a SQLite FILE (safe while serving).
    Backup { file: PathBuf },
    /// Replace the database's content with a backup FILE (stop the server first).
    Restore { file: PathBuf },
    /// Export every table to DIR (JSON lines + manifest), e.g. to move SQLite → PostgreSQL.
    ExportDb { dir: PathBuf },
    /// Replace the database's content with an export from DIR.
    ImportDb { dir: PathBuf },
    /// Matching: judge the weights by numbers.
    #[command(subcommand)]
    Match(MatchCmd),
    /// Yearly targets (chỉ tiêu).
    #[command(subcommand)]
    Target(TargetCmd),
    /// Partner provinces whose vacancies this instance shows (liên kết tuyển dụng).
    #[command(subcommand)]
    Partner(PartnerCmd),
    /// Deterministic demo data for demos and benchmarks.
    Demo {
        /// Write this many synthetic people to --out (CSV, or XLSX when it ends in .xlsx).
        #[arg(long, default_value_t = 0)]
        people: u64,
        #[arg(long, default_value = "people.csv")]
        out: PathBuf,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Create the demo accounts in the database.
        #[arg(long)]
        accounts: bool,
        /// Create this many approved employers in the database (with --vacancies).
        #[arg(long, default_value_t = 0)]
        employers: u64,
        /// Create this many published vacancies in the database.
        #[arg(long, default_value_t = 0)]
        vacancies: u64,
        /// Write the employers and vacancies to DIR/employers.csv and DIR/vacancies.csv instead.
        #[arg(long)]
        demand_out: Option<PathBuf>,
        /// Import the people into the database (through the registry import) instead of only writing --out.
        #[arg(long)]
        load: bool,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; the password is read from standard input.
    Add {
        email: String,
        #[arg(long)]
        role: String,
        /// Commune (2025 ward code) a commune officer works in; repeat for several.
        #[arg(long = "ward")]
        wards: Vec<String>,
        #[arg(long)]
        name: Option<String>,
    },
    /// List users.
    List,
    /// Set a user's password (read from standard input).
    Passwd { email: String },
    /// Turn a user's second factor off (a lost phone); they set it up again.
    ResetSecondFactor { email: String },
    /// The roles that must use a second factor (none: no role must).
    RequireSecondFactor { roles: Vec<String> },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Survey sheets of the labour registry (XLSX or CSV, the template's columns).
    People {
        file: PathBuf,
        /// Where to write the rejected rows (XLSX).
        #[arg(long, default_value = "rejected-rows.xlsx")]
        rejects: PathBuf,
        /// Language of the reasons: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// A list of employers (XLSX or CSV: tax code, name, commune code or
    /// address, phone or e-mail, …). Idempotent by tax code; new ones approved.
    Employers {
        file: PathBuf,
        /// Language of the reasons: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// A list of jobs created (XLSX or CSV: cccd, full_name, birth_date, sex,
    /// ward_code, employer_tax_code, employer_name, occupation_isco,
    /// start_date, channel, place, country, contract_type, wage). People not
    /// in the registry are added; the same job is never counted twice.
    Placements {
        file: PathBuf,
        /// Language of the reasons: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// A commune's poverty review list (XLSX or CSV: household_code,
    /// ward_code, area, head_cccd, head_name, members,
    /// income_per_person_month, review_year, and one column per indicator
    /// code, 1 = lacking). Classified by the standard of the review year;
    /// idempotent by household code and year.
    Households {
        file: PathBuf,
        /// Language of the reasons: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// A school's list of learners (XLSX or CSV: cccd, full_name,
    /// birth_date, sex, ward_code, school_code, trade, level, start_date,
    /// end_date, status, certificate, funding). Idempotent by person,
    /// school, trade and start date; learners not in the registry are added.
    Enrolments {
        file: PathBuf,
        /// Language of the reasons: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// A list of vacancies (XLSX or CSV: employer's tax code, title,
    /// occupation, positions, deadline, description, …). Idempotent by
    /// employer, title and workplace; new ones published.
    Vacancies {
        file: PathBuf,
        /// Language of the reasons: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum TargetCmd {
    /// Set a yearly target for the province, or a commune with --ward.
    Set {
        /// The indicator: jobs_created.
        indicator: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        value: i64,
        /// A 2025 commune code; the province when absent.
        #[arg(long)]
        ward: Option<String>,
    },
}

#[derive(Subcommand)]
enum MatchCmd {
    /// Rank each vacancy's labelled people and print precision@10 and NDCG@10.
    /// FILE: person_id,vacancy_id,relevant (0 or 1) per line, after that header.
    Eval {
        file: PathBuf,
        /// Weights to judge (TOML, as config/matching.toml); default: the built-in ones.
        #[arg(long)]
        weights: Option<PathBuf>,
    },
    /// Write labelled pairs from this database by the rubric of
    /// data/matching/README.md (how the shipped set was made).
    Label {
        #[arg(long, default_value = "labelled.csv")]
        out: PathBuf,
        /// How many open vacancies (the first by id).
        #[arg(long, default_value_t = 30)]
        vacancies: usize,
        /// People per vacancy: half the best by the current weights, half others.
        #[arg(long, default_value_t = 20)]
        per: usize,
    },
    /// Write every open vacancy's shortlist and tell people of new suitable
    /// vacancies in the app now (the server does it every quarter hour when
    /// something changed). Phone messages are sent by the server only.
    Shortlists {
        /// Ranking threads (default: every core).
        #[arg(long)]
        threads: Option<usize>,
    },
}

#[derive(Subcommand)]
enum PartnerCmd {
    /// Add a partner: its name, its address, its public key (from its admin page or GET URL/api/v1/exchange/key).
    Add {
        name: String,
        url: String,
        #[arg(long)]
        key: String,
    },
    /// Pull a partner's changes now (exit status 1 when a page does not verify or it cannot be reached).
    Pull { name: String },
    /// The partners and how their last pull went.
    List,
    /// This instance's public key, for partners.
    Key,
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Issue a token for EMAIL and print it (it is shown only once).
    Issue {
        email: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
    /// List EMAIL's tokens that still work (id, label, created, last used).
    List { email: String },
    /// Revoke EMAIL's token ID (as `token list` shows it).
    Revoke { email: String, id: i64 },
}

#[derive(Subcommand)]
enum AddressCmd {
    /// Resolve an old address or (with --legacy-code) an old commune code to the 2025 commune.
    Resolve {
        address: Option<String>,
        #[arg(long)]
        legacy_code: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.lines().next().unwrap_or("").to_owned();
    if p.is_empty() {
        bail!("give the password on standard input, e.g.  echo 'secret-pass' | ketnoi user add …");
    }
    Ok(p)
}

async fn open(cli: &Cli) -> anyhow::Result<Db> {
    let db = Db::connect(&cli.database).await?;
    ketnoi::prepare(&db).await?;
    Ok(db)
}

async fn cli_audit(
    db: &Db,
    province: &str,
    action: audit::Action,
    entity: &str,
    id: Option<&str>,
    detail: Option<&str>,
) -> anyhow::Result<()> {
    audit::record(
        db,
        province,
        audit::Event { user_id: None, actor: "cli", action, entity, entity_id: id, detail, ip: None },
    )
    .await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // A server keeps freed memory a while: handing it back at once and
    // faulting it in again cost the board a tenth of its throughput.
    if !matches!(cli.command, Command::Serve { .. }) {
        ketnoi::tune_allocator();
    }
    ketnoi::install_messages();
    let province = cli.province.clone();
    match &cli.command {
        Command::Serve {
            listen,
            demo: with_demo,
            secure_cookies,
            trusted_proxies,
            public_url,
            smtp_url,
            mail_from,
            sms_url,
            sms_token,
            zalo_url,
            zalo_token,
            zalo_template,
            org_name,
            org_hotline,
            org_address,
            org_logo,
        } => {
            let db = open(&cli).await?;
            if *with_demo {
                let n = demo::seed_accounts(&db).await?;
                if n > 0 {
                    tracing::info!(accounts = n, "demo accounts created (password: {})", demo::DEMO_PASSWORD);
                }
                let people = demo::seed_people(&db, &province, demo::DEMO_PEOPLE, 2026).await?;
                if people > 0 {
                    tracing::info!(people, "demo people imported");
                }
                let (employers, vacancies) =
                    demo::seed_demand(&db, &province, demo::DEMO_EMPLOYERS, demo::DEMO_VACANCIES, 2026).await?;
                if employers > 0 {
                    tracing::info!(employers, vacancies, "demo employers and vacancies created");
                }
                let jobs = demo::seed_placements(&db, &province, 2026).await?;
                if jobs > 0 {
                    tracing::info!(jobs, "demo jobs created (2022 to May 2023)");
                }
                let sessions = demo::seed_sessions(&db, &province).await?;
                if sessions > 0 {
                    tracing::info!(sessions, "demo job-exchange sessions created");
                }
                let enrolments = demo::seed_training(&db, &province, 2026).await?;
                if enrolments > 0 {
                    tracing::info!(enrolments, "demo schools and enrolments (2021 to May 2023) created");
                }
                let households = demo::seed_poverty(&db, &province, 2026).await?;
                if households > 0 {
                    tracing::info!(households, "demo households and their reviews (2022 to 2026) created");
                }
                let initiatives = demo::seed_emulation(&db, &province).await?;
                if initiatives > 0 {
                    tracing::info!(initiatives, "demo initiatives, awards and a movement created");
                }
            }
            // Expired sessions are removed hourly, and the planner's
            // statistics follow the data (also at once: a database filled by
            // another process may have none).
            let sessions = platform::auth::session_store::DbSessionStore::new(db.clone());
            let upkeep = db.clone();
            tokio::spawn(async move {
                loop {
                    if let Err(e) = upkeep.optimize().await {
                        tracing::warn!(error = %e, "refreshing the planner's statistics failed");
                    }
                    if let Err(e) = tower_sessions::ExpiredDeletion::delete_expired(&sessions).await {
                        tracing::warn!(error = %e, "deleting expired sessions failed");
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
            });
            let org_name = match org_name {
                Some(name) => name.clone(),
                None => platform::Org::default_name(
                    &platform::area::province_name(&db, &province).await?.unwrap_or_default(),
                ),
            };
            let settings = Settings {
                province_code: province,
                secure_cookies: *secure_cookies,
                trusted_proxies: trusted_proxies.clone(),
                data_dir: cli.data_dir.clone(),
                public_url: public_url.clone().unwrap_or_else(|| format!("http://{listen}")),
                smtp_url: smtp_url.clone(),
                mail_from: mail_from.clone(),
                sms: sms_url
                    .as_deref()
                    .map(|u| platform::channels::Endpoint::new(u, sms_token.clone(), None))
                    .transpose()
                    .context("--sms-url")?,
                zalo: zalo_url
                    .as_deref()
                    .map(|u| platform::channels::Endpoint::new(u, zalo_token.clone(), zalo_template.clone()))
                    .transpose()
                    .context("--zalo-url")?,
                org: std::sync::Arc::new(platform::Org {
                    name: org_name,
                    hotline: org_hotline.clone().or_else(|| with_demo.then(|| demo::DEMO_HOTLINE.to_owned())),
                    address: org_address.clone(),
                    logo: org_logo.as_deref().map(platform::Org::read_logo).transpose()?,
                }),
            };
            let app = ketnoi::app(db, settings);
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!(
                "serving on http://{} (ready in {} ms)",
                listener.local_addr()?,
                started.elapsed().as_millis()
            );
            ketnoi::serve(listener, app).await?;
        }
        Command::Migrate => {
            open(&cli).await?;
            println!("database is at schema version {}", Db::schema_version());
        }
        Command::User(UserCmd::Add { email, role, wards, name }) => {
            let db = open(&cli).await?;
            let email = Email::parse(email).map_err(|_| anyhow::anyhow!("not a valid e-mail address: {email}"))?;
            let role = Role::parse(role).with_context(|| {
                format!("unknown role {role}; one of: {}", Role::ALL.map(|r| r.as_str()).join(", "))
            })?;
            let wards: Vec<String> = wards
                .iter()
                .map(|w| {
                    WardCode::parse(w).map(|c| c.to_string()).map_err(|_| anyhow::anyhow!("not a commune code: {w}"))
                })
                .collect::<anyhow::Result<_>>()?;
            if role == Role::CommuneOfficer && wards.is_empty() {
                bail!("a commune officer needs at least one --ward CODE");
            }
            let unknown = platform::area::unknown_wards(&db, &province, &wards).await?;
            if !unknown.is_empty() {
                bail!("not communes of province {province}: {}", unknown.join(", "));
            }
            let pw = read_password()?;
            if let Err(key) = password::check_strength(&pw, email.as_str()) {
                bail!("{}", platform::i18n::t(platform::i18n::Lang::En, key));
            }
            let hash = password::hash(&pw)?;
            let display = name.clone().unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
            let new = store::NewUser {
                email: email.as_str(),
                display_name: &display,
                role,
                password_hash: &hash,
                wards: &wards,
                employer_id: None,
                school_id: None,
                person_id: None,
            };
            let id = store::create(&db, new).await?.with_context(|| format!("{email} already has an account"))?;
            cli_audit(
                &db,
                &province,
                audit::Action::Create,
                "user",
                Some(&id.to_string()),
                Some(&format!("role={}", role.as_str())),
            )
            .await?;
            println!("created user {id} {email} ({})", role.as_str());
        }
        Command::Target(TargetCmd::Set { indicator, year, value, ward }) => {
            let db = open(&cli).await?;
            anyhow::ensure!(
                placements::model::INDICATORS.contains(&indicator.as_str()),
                "unknown indicator {indicator:?} (known: {})",
                placements::model::INDICATORS.join(", ")
            );
            anyhow::ensure!((2000..=2100).contains(year) && *value >= 0, "year 2000–2100 and a value of 0 or more");
            let ward = ward.as_deref().unwrap_or_default();
            anyhow::ensure!(
                ward.is_empty() || refdata::refdata().ward(ward).is_some_and(|w| w.province_code == province),
                "{ward} is not a commune of province {province}"
            );
            placements::store::put_target(&db, &province, indicator, *year, ward, *value, None).await?;
            let area = if ward.is_empty() { "province" } else { ward };
            let detail = format!("{indicator} {year} {area} = {value}");
            cli_audit(&db, &province, audit::Action::Update, "target", None, Some(&detail)).await?;
            println!("target {detail}");
        }
        Command::Partner(cmd) => {
            let db = open(&cli).await?;
            match cmd {
                PartnerCmd::Add { name, url, key } => {
                    let input = exchange::routes::PartnerInput {
                        name: name.clone(),
                        url: url.clone(),
                        public_key: key.clone(),
                    };
                    let (name, url, key) = exchange::routes::check_partner(&input).map_err(|e| {
                        let lang = platform::i18n::Lang::En;
                        anyhow::anyhow!("{}", platform::error::AppError::Invalid(e).message(lang))
                    })?;
                    let id = exchange::store::add_partner(&db, &province, &name, &url, &key, None)
                        .await?
                        .with_context(|| format!("a partner named {name:?} exists"))?;
                    cli_audit(&db, &province, audit::Action::Create, "partner", Some(&id.to_string()), Some(&name))
                        .await?;
                    println!("partner {name} added ({url})");
                }
                PartnerCmd::Pull { name } => {
                    let p = exchange::store::partner_by_name(&db, &province, name)
                        .await?
                        .with_context(|| format!("no partner named {name:?} (ketnoi partner list)"))?;
                    let done = exchange::client::pull(&db, &province, &p, None).await;
                    let detail = match &done {
                        Ok(d) => format!("pulled {} items", d.items),
                        Err(e) => e.to_string(),
                    };
                    cli_audit(&db, &province, audit::Action::Import, "partner", Some(&p.id.to_string()), Some(&detail))
                        .await?;
                    match done {
                        Ok(d) => println!(
                            "{name}: {} pages, {} items read, {} kept, {} online sessions",
                            d.pages, d.items, d.kept, d.sessions
                        ),
                        Err(e) => bail!("{name}: {e}"),
                    }
                }
                PartnerCmd::List => {
                    for p in exchange::store::partners(&db, &province).await? {
                        let state = match (&p.last_error, p.last_ok_at) {
                            (Some(e), _) => format!("failed: {e}"),
                            (None, Some(t)) => format!("ok at {}", t.to_rfc3339()),
                            (None, None) => "never pulled".into(),
                        };
                        println!("{}\t{}\t{} open\t{}", p.name, p.url, p.open, state);
                    }
                }
                PartnerCmd::Key => {
                    let k = exchange::keys::load_or_create(&db, &province).await?;
                    println!("{}\t{}", k.key_id, k.public_key);
                }
            }
        }
        Command::Match(MatchCmd::Shortlists { threads }) => {
            let db = open(&cli).await?;
            let weights = matching::config::from_env()?;
            let matcher = matching::service::Matcher::new(db.clone(), &province, weights);
            let batch = matching::batch::Shortlists {
                db: db.clone(),
                province: province.clone(),
                matcher,
                channels: std::sync::Arc::new(platform::channels::Channels::default()),
                public_url: String::new(),
                mail: false,
                threads: threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            };
            let started = std::time::Instant::now();
            let job = platform::jobs::NewJob {
                kind: <matching::batch::Shortlists as platform::jobs::Scheduled>::KIND,
                origin: platform::jobs::Origin::Cli,
                user_id: None,
                file_name: None,
                input: None,
            };
            let (id, result) = platform::jobs::run(&db, job, |h| platform::jobs::Scheduled::run(&batch, h)).await?;
            let finished = result.map_err(|e| anyhow::anyhow!("job {id}: {e}"))?;
            let out: serde_json::Value = serde_json::from_str(&finished.result)?;
            println!("job {id} done in {:.1} s: {out}", started.elapsed().as_secs_f64());
        }
        Command::Match(MatchCmd::Eval { file, weights }) => {
            let db = open(&cli).await?;
            let pairs = matching::eval::read_pairs(file)?;
            let w = match weights {
                Some(path) => matching::config::load(path)?,
                None => matching::rules::Weights::default(),
            };
            let m = matching::service::Matcher::new(db, &province, w.clone());
            m.sync().await?;
            let today = platform::time::today();
            let f = matching::eval::evaluate(&pairs, |p, v| m.pair(p, v, today));
            println!("weights: {}", serde_json::to_string(&w)?);
            println!("{} pairs ({} relevant) over {} vacancies", f.pairs, f.relevant, f.vacancies);
            println!("precision@10 {:.3}", f.precision_at_10);
            println!("NDCG@10 {:.3}", f.ndcg_at_10);
        }
        Command::Match(MatchCmd::Label { out, vacancies, per }) => {
            let db = open(&cli).await?;
            let m = matching::service::Matcher::new(db, &province, matching::rules::Weights::default());
            m.sync().await?;
            let pairs = m.labelled(platform::time::today(), *vacancies, *per);
            let mut text = String::from("person_id,vacancy_id,relevant\n");
            for p in &pairs {
                text += &format!("{},{},{}\n", p.person_id, p.vacancy_id, u8::from(p.relevant));
            }
            std::fs::write(out, text)?;
            let relevant = pairs.iter().filter(|p| p.relevant).count();
            println!("{} pairs ({relevant} relevant) written to {}", pairs.len(), out.display());
        }
        Command::Jobs { cancel: Some(id) } => {
            let db = open(&cli).await?;
            if !platform::jobs::request_cancel(&db, *id).await? {
                bail!("job {id} is not running");
            }
            cli_audit(&db, &province, audit::Action::Update, "job", Some(&id.to_string()), Some("cancel")).await?;
            println!("job {id} asked to stop");
        }
        Command::Jobs { cancel: None } => {
            let db = open(&cli).await?;
            let en = platform::i18n::Tr { lang: platform::i18n::Lang::En };
            for j in platform::jobs::latest(&db, 30).await? {
                let outcome = j.error.clone().unwrap_or_else(|| j.summary(&en));
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}/{}/{}\t{}\t{outcome}",
                    j.id,
                    j.kind,
                    j.origin,
                    j.status,
                    platform::time::local(j.created_at).format("%d/%m/%Y %H:%M"),
                    j.done,
                    j.accepted,
                    j.rejected,
                    j.file_name.as_deref().unwrap_or("-"),
                );
            }
        }
        Command::User(UserCmd::List) => {
            let db = open(&cli).await?;
            for u in store::list(&db).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.role.as_str(),
                    if u.active { "active" } else { "inactive" },
                    u.wards.join(",")
                );
            }
        }
        Command::User(UserCmd::ResetSecondFactor { email }) => {
            let db = open(&cli).await?;
            let (user, _) = store::find_for_login(&db, email).await?.with_context(|| format!("no user {email}"))?;
            platform::auth::second_factor::disable(&db, user.id).await?;
            cli_audit(
                &db,
                &province,
                audit::Action::Update,
                "user",
                Some(&user.id.to_string()),
                Some("second factor off"),
            )
            .await?;
            println!("second factor of {} turned off", user.email);
        }
        Command::User(UserCmd::RequireSecondFactor { roles }) => {
            let db = open(&cli).await?;
            let parsed = roles
                .iter()
                .map(|r| platform::auth::Role::parse(r).with_context(|| format!("unknown role {r}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            platform::auth::second_factor::set_required_roles(&db, &parsed).await?;
            cli_audit(&db, &province, audit::Action::Update, "second_factor_roles", None, Some(&roles.join(",")))
                .await?;
            println!(
                "second factor required for: {}",
                if roles.is_empty() { "no role".into() } else { roles.join(", ") }
            );
        }
        Command::User(UserCmd::Passwd { email }) => {
            let db = open(&cli).await?;
            let (user, _) = store::find_for_login(&db, email).await?.with_context(|| format!("no user {email}"))?;
            let pw = read_password()?;
            if let Err(key) = password::check_strength(&pw, &user.email) {
                bail!("{}", platform::i18n::t(platform::i18n::Lang::En, key));
            }
            store::set_password(&db, user.id, &password::hash(&pw)?, None).await?;
            cli_audit(&db, &province, audit::Action::Update, "user", Some(&user.id.to_string()), Some("password"))
                .await?;
            println!("password changed for {}", user.email);
        }
        Command::Token(TokenCmd::Issue { email, label }) => {
            let db = open(&cli).await?;
            let (user, _) = store::find_for_login(&db, email).await?.with_context(|| format!("no user {email}"))?;
            let token = store::issue_token(&db, user.id, label).await?;
            cli_audit(&db, &province, audit::Action::Create, "api_token", Some(&user.id.to_string()), Some(label))
                .await?;
            println!("{token}");
        }
        Command::Token(TokenCmd::List { email }) => {
            let db = open(&cli).await?;
            let (user, _) = store::find_for_login(&db, email).await?.with_context(|| format!("no user {email}"))?;
            for t in store::tokens_of(&db, user.id).await? {
                let used = t.last_used_at.map(|d| d.to_rfc3339()).unwrap_or_else(|| "never".into());
                println!("{}\t{}\t{}\t{}", t.id, t.label, t.created_at.to_rfc3339(), used);
            }
        }
        Command::Token(TokenCmd::Revoke { email, id }) => {
            let db = open(&cli).await?;
            let (user, _) = store::find_for_login(&db, email).await?.with_context(|| format!("no user {email}"))?;
            if !store::revoke_token(&db, user.id, *id).await? {
                bail!("{email} has no token {id} that still works");
            }
            cli_audit(&db, &province, audit::Action::Delete, "api_token", Some(&id.to_string()), None).await?;
            println!("token {id} of {email} revoked");
        }
        Command::Address(AddressCmd::Resolve { address, legacy_code, json }) => {
            let d = refdata::refdata();
            let r = match (legacy_code, address) {
                (Some(code), _) => d.resolve_legacy_code(code),
                (None, Some(a)) => d.resolve_address(a),
                (None, None) => bail!("give an ADDRESS or --legacy-code CODE"),
            };
            if *json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                let status = serde_json::to_value(r.status)?;
                println!("{} (certain: {})", status.as_str().unwrap_or(""), r.certain);
                if let (Some(code), Some(name)) = (&r.ward_code, &r.ward_name) {
                    println!("{code}\t{name}, {}", r.province_name.as_deref().unwrap_or(""));
                }
                if r.candidates.len() > 1 {
                    println!("candidates:");
                    for c in &r.candidates {
                        let old = c
                            .legacy_ward_name
                            .as_deref()
                            .map(|o| format!(" ← {o}, {}", c.legacy_district_name.as_deref().unwrap_or("")))
                            .unwrap_or_default();
                        println!(
                            "  {}\t{}, {}{}{}",
                            c.ward_code,
                            c.ward_name,
                            c.province_name,
                            old,
                            if c.is_default { " [usual]" } else { "" }
                        );
                    }
                }
                if r.status == refdata::resolver::Status::NotFound {
                    std::process::exit(1);
                }
            }
        }
        Command::Import(ImportCmd::Employers { file, lang }) => {
            let db = open(&cli).await?;
            let lang = platform::i18n::Lang::parse(lang).unwrap_or_default();
            let by = platform::sheet::list::Importer::CLI;
            print_list_report(employers::import::run(&db, &province, file, lang, &by).await, lang)?;
        }
        Command::Import(ImportCmd::Placements { file, lang }) => {
            let db = open(&cli).await?;
            let lang = platform::i18n::Lang::parse(lang).unwrap_or_default();
            let by = platform::sheet::list::Importer::CLI;
            let today = platform::time::today();
            let all = platform::auth::AreaScope::All;
            print_list_report(placements::import::run(&db, &province, file, lang, today, &all, &by).await, lang)?;
        }
        Command::Import(ImportCmd::Households { file, lang }) => {
            let db = open(&cli).await?;
            let lang = platform::i18n::Lang::parse(lang).unwrap_or_default();
            let by = platform::sheet::list::Importer::CLI;
            let standards = poverty::standard::Standards::from_env();
            let all = platform::auth::AreaScope::All;
            print_list_report(poverty::import::run(&db, &province, &standards, file, lang, &all, &by).await, lang)?;
        }
        Command::Import(ImportCmd::Enrolments { file, lang }) => {
            let db = open(&cli).await?;
            let lang = platform::i18n::Lang::parse(lang).unwrap_or_default();
            let by = platform::sheet::list::Importer::CLI;
            let today = platform::time::today();
            let all = training::service::Reach::All;
            print_list_report(training::import::run(&db, &province, file, lang, today, &all, &by).await, lang)?;
        }
        Command::Import(ImportCmd::Vacancies { file, lang }) => {
            let db = open(&cli).await?;
            let lang = platform::i18n::Lang::parse(lang).unwrap_or_default();
            let by = platform::sheet::list::Importer::CLI;
            let today = platform::time::today();
            print_list_report(vacancies::import::run(&db, &province, file, lang, today, &by).await, lang)?;
        }
        Command::Import(ImportCmd::People { file, rejects, lang }) => {
            let db = open(&cli).await?;
            let lang = platform::i18n::Lang::parse(lang).unwrap_or_default();
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("style"));
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            let progress_bar = bar.clone();
            let on_progress = move |read: u64, accepted: u64, rejected: u64| {
                progress_bar.set_message(format!("{read} rows read, {accepted} accepted, {rejected} rejected"));
            };
            let opts = registry::import::Options {
                province: &province,
                scope: platform::auth::AreaScope::All,
                today: platform::time::today(),
                lang,
                rejects: rejects.clone(),
                cancel: None,
            };
            let _ = std::fs::remove_file(rejects);
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            cli_audit(&db, &province, audit::Action::Import, "people", None, Some(&name)).await?;
            // A job like the page's: the web import page lists it, and it can be stopped from there.
            let input = std::path::absolute(file)?.to_string_lossy().into_owned();
            let job = platform::jobs::NewJob {
                kind: registry::imports::KIND,
                origin: platform::jobs::Origin::Cli,
                user_id: None,
                file_name: Some(&name),
                input: Some(&input),
            };
            let (db, on_progress) = (&db, &on_progress);
            let (_, outcome) = platform::jobs::run(db, job, |h| async move {
                registry::imports::work(db, None, file, opts, &h, on_progress).await
            })
            .await?;
            bar.finish_and_clear();
            let report = match outcome {
                Ok(done) => registry::imports::report_of(&done.result).unwrap_or_default(),
                Err(message) => bail!("{message}"),
            };
            println!(
                "{} rows: {} new, {} changed, {} unchanged, {} rejected, {} in split former communes (check them)",
                report.rows, report.inserted, report.updated, report.unchanged, report.rejected, report.uncertain_wards
            );
            if report.noted > 0 {
                let lines: Vec<String> = report.noted_rows.iter().map(|r| r.line.to_string()).collect();
                println!("{} rows with a leading zero put back (lines {})", report.noted, lines.join(", "));
            }
            if report.rejected > 0 {
                println!("rejected rows and reasons: {}", rejects.display());
            }
        }
        Command::Backup { file } => {
            let db = Db::connect(&cli.database).await?;
            platform::dump::backup(&db, file).await?;
            println!("backup written to {}", file.display());
        }
        Command::Restore { file } => {
            let db = open(&cli).await?;
            let counts = platform::dump::restore(&db, file).await?;
            let rows: u64 = counts.iter().map(|c| c.1).sum();
            println!("restored {} tables, {rows} rows from {}", counts.len(), file.display());
        }
        Command::ExportDb { dir } => {
            let db = Db::connect(&cli.database).await?;
            let counts = platform::dump::copy_from_db(&db, Box::new(platform::dump::DirSink::create(dir)?)).await?;
            for (t, n) in &counts {
                println!("{t}\t{n}");
            }
            println!("exported {} tables to {}", counts.len(), dir.display());
        }
        Command::ImportDb { dir } => {
            let db = Db::connect(&cli.database).await?;
            db.migrate().await?;
            let counts = platform::dump::copy_from_dir(dir, platform::dump::DbSink::replace(&db).await?).await?;
            let rows: u64 = counts.iter().map(|c| c.1).sum();
            println!("imported {} tables, {rows} rows from {}", counts.len(), dir.display());
        }
        Command::Demo { people, out, seed, accounts, load, employers, vacancies, demand_out } => {
            if *accounts {
                let db = open(&cli).await?;
                println!("{} demo accounts created", demo::seed_accounts(&db).await?);
            }
            if let (Some(dir), true) = (demand_out, *employers > 0) {
                demo::write_demand_csv(dir, &province, *employers, *vacancies, *seed)?;
                println!("{employers} employers and {vacancies} vacancies written to {}", dir.display());
            } else if *employers > 0 {
                let db = open(&cli).await?;
                let (e, v) = demo::seed_demand(&db, &province, *employers, *vacancies, *seed).await?;
                println!("{e} employers and {v} vacancies created in {:.1} s", started.elapsed().as_secs_f64());
            }
            if *load && *people > 0 {
                let db = open(&cli).await?;
                let n = demo::seed_people(&db, &province, *people, *seed).await?;
                println!("{n} people imported in {:.1} s", started.elapsed().as_secs_f64());
            } else if *people > 0 && out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
                demo::write_people_xlsx(out, *people, *seed, &province)?;
                println!("{people} people written to {} in {:.1} s", out.display(), started.elapsed().as_secs_f64());
            } else if *people > 0 {
                let f = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
                let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
                demo::write_people_csv(&mut w, *people, *seed, &province)?;
                std::io::Write::flush(&mut w)?;
                println!("{people} people written to {} in {:.1} s", out.display(), started.elapsed().as_secs_f64());
            }
        }
    }
    Ok(())
}

/// A list import's outcome for the terminal: the summary, then each row
/// refused or noted; a file refused as a whole is an error in `lang`.
fn print_list_report(
    outcome: anyhow::Result<platform::sheet::list::Report>,
    lang: platform::i18n::Lang,
) -> anyhow::Result<()> {
    let report = match outcome {
        Ok(report) => report,
        Err(e) => match e.downcast_ref::<platform::sheet::SheetError>() {
            Some(s) => bail!("{}", s.message(lang)),
            None => return Err(e),
        },
    };
    println!("{}", report.summary(lang));
    for r in &report.rejected_rows {
        println!("{}: {}", r.line, r.reason);
    }
    for n in &report.noted_rows {
        println!("{}: {}", n.line, n.note);
    }
    Ok(())
}
