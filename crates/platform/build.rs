// The migrations are embedded by `sqlx::migrate!`: rebuild when one is added.
fn main() {
    // Each dialect's folder: a new file changes the folder it is in.
    println!("cargo:rerun-if-changed=../../migrations");
    println!("cargo:rerun-if-changed=../../migrations/sqlite");
    println!("cargo:rerun-if-changed=../../migrations/postgres");
}
