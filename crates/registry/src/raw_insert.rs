//! A prepared SQLite statement that binds text without copying it.
//!
//! rusqlite binds every text as `SQLITE_TRANSIENT`: for each of a row's
//! texts SQLite frees the previous value's buffer, allocates a new one and
//! copies. On a first load that is most of the binding, itself about a
//! quarter of the writer's time (perf, a million rows). Here the texts are
//! bound `SQLITE_STATIC`, borrowed for one [`RawStatement::execute`] call;
//! the bindings are cleared before the call returns, so SQLite never keeps a
//! pointer past the borrow.

use rusqlite::{ffi, Connection};
use std::ffi::c_int;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

/// One parameter's value, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

/// A statement prepared on `'c`'s connection, finalized when dropped.
pub(crate) struct RawStatement<'c> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: *mut ffi::sqlite3,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> RawStatement<'c> {
    pub fn prepare(conn: &'c Connection, sql: &str) -> rusqlite::Result<Self> {
        let len = c_int::try_from(sql.len()).map_err(|_| failure(ffi::SQLITE_TOOBIG, None))?;
        // SAFETY: the handle is valid while `conn` is borrowed, which `'c` ties us to.
        let db = unsafe { conn.handle() };
        let mut stmt = ptr::null_mut();
        // SAFETY: `sql` is valid for `len` bytes; SQLite writes `stmt` or leaves it null.
        let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut stmt, ptr::null_mut()) };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
        let stmt = NonNull::new(stmt).ok_or_else(|| failure(ffi::SQLITE_MISUSE, Some("empty statement".into())))?;
        Ok(Self { stmt, db, _conn: PhantomData })
    }

    /// Bind `params` as ?1, ?2, … and run the statement to its end (an
    /// INSERT, UPDATE or DELETE: rows it would return are an error).
    pub fn execute(&mut self, params: &[Param<'_>]) -> rusqlite::Result<()> {
        let s = self.stmt.as_ptr();
        let result = self.bind_and_step(params);
        // SAFETY: `s` is this statement's; afterwards it holds no borrowed text.
        unsafe {
            ffi::sqlite3_reset(s);
            ffi::sqlite3_clear_bindings(s);
        }
        result
    }

    fn bind_and_step(&mut self, params: &[Param<'_>]) -> rusqlite::Result<()> {
        let s = self.stmt.as_ptr();
        for (i, p) in params.iter().enumerate() {
            let at = c_int::try_from(i + 1).map_err(|_| failure(ffi::SQLITE_RANGE, None))?;
            // SAFETY: texts stay borrowed until `execute` has cleared the
            // bindings, so SQLITE_STATIC (no copy) is sound.
            let rc = unsafe {
                match *p {
                    // Every parameter is NULL again after `execute` cleared them.
                    Param::Null => continue,
                    Param::Int(n) => ffi::sqlite3_bind_int64(s, at, n),
                    Param::Text(t) => {
                        let len = c_int::try_from(t.len()).map_err(|_| failure(ffi::SQLITE_TOOBIG, None))?;
                        ffi::sqlite3_bind_text(s, at, t.as_ptr().cast(), len, ffi::SQLITE_STATIC())
                    }
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc));
            }
        }
        // SAFETY: a prepared statement of this connection, on its thread.
        match unsafe { ffi::sqlite3_step(s) } {
            ffi::SQLITE_DONE => Ok(()),
            ffi::SQLITE_ROW => Err(failure(ffi::SQLITE_MISUSE, Some("the statement returned rows".into()))),
            rc => Err(error(self.db, rc)),
        }
    }
}

impl Drop for RawStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once, before the connection (borrowed for 'c) can close.
        unsafe { ffi::sqlite3_finalize(self.stmt.as_ptr()) };
    }
}

fn failure(rc: c_int, msg: Option<String>) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), msg)
}

/// The connection's message for `rc`.
fn error(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: `db` is open; the message is copied before anything else runs on it.
    let msg = unsafe {
        let m = ffi::sqlite3_errmsg(db);
        (!m.is_null()).then(|| std::ffi::CStr::from_ptr(m).to_string_lossy().into_owned())
    };
    failure(rc, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_texts_are_stored_as_bound_and_errors_name_the_constraint() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a TEXT NOT NULL UNIQUE, b INTEGER, c TEXT)").unwrap();
        let mut insert = RawStatement::prepare(&conn, "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)").unwrap();
        for (i, name) in ["Nguyễn Văn Đào", "Ê Đê", ""].iter().enumerate() {
            // A fresh String each row, dropped after the call: SQLite must have copied it into the row.
            let owned = format!("{name}#{i}");
            insert.execute(&[Param::Text(&owned), Param::Int(i as i64), Param::Null]).unwrap();
        }
        let err = insert.execute(&[Param::Text("Ê Đê#1"), Param::Int(9), Param::Text("x")]).unwrap_err();
        assert!(err.to_string().contains("UNIQUE constraint failed: t.a"), "{err}");
        // NULL is not bound but left from clearing: the refused row's "x" must not stay.
        insert.execute(&[Param::Text("sau"), Param::Int(3), Param::Null]).unwrap();
        drop(insert);
        let rows: Vec<(String, i64, Option<String>)> = conn
            .prepare("SELECT a, b, c FROM t ORDER BY b")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                ("Nguyễn Văn Đào#0".into(), 0, None),
                ("Ê Đê#1".into(), 1, None),
                ("#2".into(), 2, None),
                ("sau".into(), 3, None)
            ]
        );
        assert!(RawStatement::prepare(&conn, "INSERT INTO nowhere VALUES (1)").is_err());
    }
}
