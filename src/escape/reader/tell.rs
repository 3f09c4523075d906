//! Sections told on other threads. A sorted [`Reader`] keeps each section's lines as they come
//! and, when the section ends, has what they tell (the counts, the lines not understood, the
//! files named, the wording, the hash for the escape model: a [`SectionRead`]) found by one of
//! a few threads of its own, while it goes on reading. The answers are counted in the order
//! the sections were read, once the input has ended (or before a line must be classified where
//! it is read), exactly as a section the memo knew is counted: the reading thread classifies
//! no line of an ordinary section. Classifying every line on the one thread that reads was the
//! longest stretch of a run of the standard library's log where nothing else could happen.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use super::super::memo::{SectionMemo, SectionRead};
use super::super::section::{Section, SectionBuilder};
use super::{InputStats, Reader, Record, Recording, record, records};

/// The lines of an ended section, where a teller reads them: copied out of the spool's memory,
/// or a stretch of its file (read by offset while the reader goes on writing after it).
pub(super) enum Lines {
    Memory(Vec<u8>),
    File {
        file: Arc<File>,
        start: u64,
        end: u64,
    },
}

/// One section to tell.
struct Job {
    seq: u64,
    package: Option<String>,
    variant: Option<String>,
    lines: Lines,
    digest: u128,
    memo: Option<Arc<dyn SectionMemo>>,
}

type Answer = std::thread::Result<io::Result<SectionRead>>;

/// A section being told: what the reader needs to count the answer in its place.
pub(super) struct Told {
    seq: u64,
    /// The line number of its header.
    pub header: u64,
    pub package: Option<String>,
    /// Where it is among the spool's sections once it has ended; None while it is the current
    /// section.
    pub kept: Option<usize>,
}

/// The threads that tell sections, and the sections asked for and not yet counted, in order.
pub(super) struct Tellers {
    jobs: Option<mpsc::SyncSender<Job>>,
    answers: mpsc::Receiver<(u64, Answer)>,
    threads: Vec<JoinHandle<()>>,
    pub waiting: VecDeque<Told>,
    /// Answers that came before those of sections read earlier.
    early: BTreeMap<u64, Answer>,
    next: u64,
}

impl Tellers {
    /// Starts one thread per core; None when the system starts none (the reader then tells
    /// each section itself, as it ends).
    pub fn start() -> Option<Tellers> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Bounded: a reader far ahead of its tellers waits rather than queues the log.
        let (jobs, inbox) = mpsc::sync_channel::<Job>(threads * 2);
        let inbox = Arc::new(Mutex::new(inbox));
        let (answer, answers) = mpsc::channel();
        let mut started = Vec::new();
        for _ in 0..threads {
            let inbox = inbox.clone();
            let answer = answer.clone();
            let thread = std::thread::Builder::new()
                .name("tell".into())
                .spawn(move || {
                    loop {
                        let job = match inbox.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        // A panic is sent on, to be the run's: were it to end this thread
                        // instead, the answer would never come and the reader would wait.
                        let told = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            tell_job(&job)
                        }));
                        if answer.send((job.seq, told)).is_err() {
                            return;
                        }
                    }
                });
            if let Ok(t) = thread {
                started.push(t);
            }
        }
        if started.is_empty() {
            return None;
        }
        Some(Tellers {
            jobs: Some(jobs),
            answers,
            threads: started,
            waiting: VecDeque::new(),
            early: BTreeMap::new(),
            next: 0,
        })
    }

    /// Asks for the current section (its header at line `header`) to be told.
    pub fn ask(
        &mut self,
        header: u64,
        package: Option<&str>,
        variant: Option<&str>,
        lines: Lines,
        digest: u128,
        memo: Option<Arc<dyn SectionMemo>>,
    ) -> io::Result<()> {
        let seq = self.next;
        self.next += 1;
        let job = Job {
            seq,
            package: package.map(str::to_string),
            variant: variant.map(str::to_string),
            lines,
            digest,
            memo,
        };
        self.jobs
            .as_ref()
            .expect("jobs are asked for until the tellers are dropped")
            .send(job)
            .map_err(|_| io::Error::other("the threads telling sections stopped"))?;
        self.waiting.push_back(Told {
            seq,
            header,
            package: package.map(str::to_string),
            kept: None,
        });
        Ok(())
    }

    /// The first section asked for and not yet counted, with what it tells (waiting for it).
    pub fn first(&mut self) -> Option<io::Result<(Told, SectionRead)>> {
        let told = self.waiting.pop_front()?;
        let answer = loop {
            if let Some(a) = self.early.remove(&told.seq) {
                break a;
            }
            match self.answers.recv() {
                Ok((seq, a)) if seq == told.seq => break a,
                Ok((seq, a)) => {
                    self.early.insert(seq, a);
                }
                Err(_) => {
                    return Some(Err(io::Error::other(
                        "the threads telling sections stopped",
                    )));
                }
            }
        };
        let read = answer.unwrap_or_else(|p| std::panic::resume_unwind(p));
        Some(read.map(|r| (told, r)))
    }
}

impl Drop for Tellers {
    fn drop(&mut self) {
        // Their loops end once the jobs are gone and the one at hand is told.
        self.jobs = None;
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn tell_job(job: &Job) -> io::Result<SectionRead> {
    let mut lines = match &job.lines {
        Lines::Memory(bytes) => records(bytes, None, 0, bytes.len() as u64),
        Lines::File { file, start, end } => records(&[], Some(file), *start, *end),
    };
    let read = tell(job.package.as_deref(), job.variant.as_deref(), &mut lines)?;
    if let Some(memo) = &job.memo {
        memo.put(job.digest, &read);
    }
    Ok(read)
}

/// What the lines of a section (after its header) tell, each classified as the reader
/// classifies a line where it reads it.
pub(super) fn tell(
    package: Option<&str>,
    variant: Option<&str>,
    lines: &mut dyn Read,
) -> io::Result<SectionRead> {
    let mut r = Reader {
        sorted: true,
        current: SectionBuilder::new(package, variant),
        recording: Some(Recording {
            header: 0,
            at_start: InputStats::default(),
            read: SectionRead::default(),
        }),
        ..Reader::new()
    };
    let mut text = Vec::new();
    // Lines kept unread are never headers or events: nothing ends a section here.
    let mut no_section = |_: Section| -> io::Result<()> {
        Err(io::Error::other("a section ended among another's lines"))
    };
    while let Some(rec) = record(lines, &mut text)? {
        if let Record::Line = rec {
            r.stats.lines += 1;
            r.decode_and_take(&text, false, &mut no_section)?;
        }
    }
    let recording = r.recording.take().expect("set above");
    Ok(r.recorded(recording))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A section whose lines the spool's file no longer holds (cut short under the reader) is
    /// an error that says so, never a section told without its tail.
    #[test]
    fn a_section_the_file_no_longer_holds_is_an_error() {
        let mut file = tempfile::tempfile().unwrap();
        // One whole record, then the length of one the file does not hold.
        let line = b"./a.go:1:2: moved to heap: a";
        file.write_all(&(line.len() as u32).to_le_bytes()).unwrap();
        file.write_all(line).unwrap();
        file.write_all(&40u32.to_le_bytes()).unwrap();
        let mut tellers = Tellers::start().expect("a thread");
        let end = 4 + line.len() as u64 + 4 + 40;
        let lines = Lines::File {
            file: Arc::new(file),
            start: 0,
            end,
        };
        tellers
            .ask(1, Some("example.com/a"), None, lines, 0, None)
            .unwrap();
        let err = match tellers.first() {
            Some(Err(e)) => e,
            Some(Ok((_, read))) => panic!("told: {read:?}"),
            None => panic!("nothing asked"),
        };
        assert!(err.to_string().contains("ends before"), "{err}");
        assert!(tellers.first().is_none());
    }
}
