//! The chain: every line is canonical JSON whose hash matches its contents, and whose `prev`,
//! `seq` and `image` continue the chain. One pass over the line's bytes checks its form and
//! finds its `hash`; the hash is recomputed over the line without that member (which, for a
//! canonical line, is the canonical encoding of everything else); then the event is parsed.

use hardline_model::{ImageName, hex};
use serde::de::IgnoredAny;
use sha2::{Digest, Sha256};

use crate::canonical;
use crate::event::{Event, GENESIS};

pub(super) struct Chain {
    image: ImageName,
    /// The hash the next line's `prev` must be, and the `seq` it must have.
    prev: String,
    next_seq: u64,
}

impl Chain {
    pub(super) fn new(image: &ImageName) -> Chain {
        Chain { image: image.clone(), prev: GENESIS.to_owned(), next_seq: 1 }
    }

    /// The event on `line`, if the line continues the chain; else what is wrong with it.
    pub(super) fn check(&mut self, line: &[u8]) -> Result<Event, String> {
        let Some(form) = canonical::check(line) else {
            return Err(match serde_json::from_slice::<IgnoredAny>(line) {
                Err(e) => format!("not JSON: {e}"),
                Ok(_) => "not in canonical form: the line was edited".to_owned(),
            });
        };
        let mut hasher = Sha256::new();
        match &form.hash_member {
            Some(member) => {
                hasher.update(&line[..member.start]);
                hasher.update(&line[member.end..]);
            }
            None => hasher.update(line),
        }
        let stated = form.hash_value.map(|range| &line[range]).unwrap_or_default();
        if hex(&hasher.finalize()).as_bytes() != stated {
            return Err("hash does not match the line's contents: the line was edited".to_owned());
        }
        let event: Event = serde_json::from_slice(line).map_err(|e| format!("not an event: {e}"))?;
        if event.prev != self.prev {
            return Err(
                "prev does not match the hash of the line before: a line was deleted, inserted or moved"
                    .to_owned(),
            );
        }
        if event.seq != self.next_seq {
            return Err(format!("seq is {} where {} was expected", event.seq, self.next_seq));
        }
        if event.image != self.image {
            return Err(format!(
                "event of image {:?} in the log of {:?}",
                event.image.as_str(),
                self.image.as_str()
            ));
        }
        self.prev.clone_from(&event.hash);
        self.next_seq += 1;
        Ok(event)
    }
}
