//! The table of parameter and symbol names: index `i` of [`Param`](super::Param) /
//! [`Atom::Var`](super::Atom::Var) is the `i`-th name, in order of first use, so printing and
//! ordering never depend on string interning.

/// Names of parameters and symbols, indexed by `u32`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names(Vec<String>);

impl Names {
    /// The index of `name`, added at the end if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        match self.get(name) {
            Some(i) => i,
            None => {
                self.0.push(name.to_string());
                (self.0.len() - 1) as u32
            }
        }
    }

    /// The index of `name`, if known.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.0.iter().position(|n| n == name).map(|i| i as u32)
    }

    /// The number of names.
    pub fn len(&self) -> u32 {
        self.0.len() as u32
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name with index `i`.
    pub fn name(&self, i: u32) -> &str {
        self.0.get(i as usize).map_or("?", String::as_str)
    }

    /// The LaTeX spelling: `W1[1,2]` → `W^{(1)}_{1,2}`, `v1` → `v_{1}`, `alpha` → `\alpha`.
    pub fn latex(&self, i: u32) -> String {
        let n = self.name(i);
        if let Some((head, idx)) = n.strip_suffix(']').and_then(|s| s.split_once('[')) {
            let (letter, layer) = head.split_at(
                head.find(|c: char| c.is_ascii_digit())
                    .unwrap_or(head.len()),
            );
            return if layer.is_empty() {
                format!("{letter}_{{{idx}}}")
            } else {
                format!("{letter}^{{({layer})}}_{{{idx}}}")
            };
        }
        if n == "alpha" {
            return r"\alpha".into();
        }
        match n.find(|c: char| c.is_ascii_digit()) {
            Some(p) if p > 0 => format!("{}_{{{}}}", &n[..p], &n[p..]),
            _ => n.to_string(),
        }
    }
}
