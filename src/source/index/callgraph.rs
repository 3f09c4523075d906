//! How often code runs, from the call graph the source shows: `init`, `main` outside loops,
//! `sync.Once` bodies, command-line parsing, and functions called only from those run once;
//! everything else can run many times.

use super::*;

impl PackageIndex {
    /// Whether code of this function runs at most once per process.
    pub fn runs_once(&self, function: Option<usize>) -> bool {
        function.is_none_or(|f| self.functions[f].runs_once)
    }

    /// Whether an effect runs a bounded number of times: run-once code outside any loop, or a
    /// loop in init-time code (init, a package initializer, a sync.Once body), which must finish
    /// before the program goes on. A loop in main may be the program's event loop.
    pub fn effect_once(&self, e: &Effect) -> bool {
        self.once_at(e.function, e.in_loop)
    }

    pub fn registration_once(&self, r: &Registration) -> bool {
        self.once_at(r.function, r.in_loop)
    }

    pub(super) fn once_at(&self, function: Option<usize>, in_loop: bool) -> bool {
        match function {
            None => true,
            Some(f) => {
                let f = &self.functions[f];
                f.runs_once && (!in_loop || f.init_time)
            }
        }
    }

    /// The literal every caller passes for this parameter of a function the package alone
    /// calls: a key that can take only those values is bounded by them.
    pub fn param_always_literal(&self, function: usize, param: &str) -> bool {
        let f = &self.functions[function];
        if f.exported || f.kind != FunctionKind::Func || self.used_as_value.contains(&f.name) {
            return false;
        }
        let Some(pos) = f.params.iter().position(|p| p == param) else {
            return false;
        };
        self.literal_args
            .get(&f.name)
            .is_some_and(|calls| calls.iter().all(|c| c.get(pos).copied().unwrap_or(false)))
    }

    /// Marks unexported functions called only from run-once code as run-once themselves.
    pub(super) fn settle_runs_once(&mut self) {
        // An unexported `register*` the package itself calls is judged by its callers; one it
        // never calls is reached from elsewhere (`//go:linkname`), like an exported API.
        for f in &mut self.functions {
            if f.registration_api && !f.exported && self.calls.contains_key(&f.name) {
                f.registration_api = false;
            }
        }
        for _ in 0..8 {
            let mut changed = false;
            for i in 0..self.functions.len() {
                let f = &self.functions[i];
                if f.runs_once || f.kind != FunctionKind::Func {
                    continue;
                }
                if self.once_by_name.contains(&f.name) {
                    self.functions[i].runs_once = true;
                    self.functions[i].init_time = true;
                    changed = true;
                    continue;
                }
                if f.exported {
                    continue;
                }
                if self.used_as_value.contains(&f.name) {
                    continue;
                }
                let Some(callers) = self.calls.get(&f.name) else {
                    continue;
                };
                let once = callers.iter().all(|(c, in_loop)| {
                    !in_loop && c.is_none_or(|c| c != i && self.functions[c].runs_once)
                });
                if once {
                    // Called only from start-up code: its loops are bounded as theirs are.
                    let init_time = callers
                        .iter()
                        .all(|(c, _)| c.is_none_or(|c| self.functions[c].init_time));
                    self.functions[i].runs_once = true;
                    self.functions[i].init_time = init_time;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}
