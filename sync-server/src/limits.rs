//! What one `/sync` connection may send: frame size, messages per second, and what a
//! message's compressed data may inflate to — checked in the connection's own task, so a
//! bomb never reaches the hub.

use std::num::NonZeroU32;

use estate_core::protocol::{Message as ProtocolMessage, inflation};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::config::ServeArgs;

/// The most DEFLATE can expand its input (RFC 1951: a 258-byte match in about two bits).
const DEFLATE_MAX_RATIO: usize = 1032;

/// What one connection may send.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_frame_bytes: usize,
    /// What the compressed parts of one message may inflate to, in all.
    pub max_inflated_bytes: usize,
    /// Sustained messages per second.
    pub messages_per_sec: NonZeroU32,
    /// Messages that may arrive at once (a phone's first sync sends one per document).
    pub burst: NonZeroU32,
}

impl Limits {
    /// The limits the command line sets.
    pub fn of(args: &ServeArgs) -> Self {
        Self {
            max_frame_bytes: args.max_frame_bytes,
            max_inflated_bytes: args.max_inflated_bytes,
            messages_per_sec: args.messages_per_sec,
            burst: args.message_burst,
        }
    }

    pub fn rate(&self) -> DefaultDirectRateLimiter {
        RateLimiter::direct(Quota::per_second(self.messages_per_sec).allow_burst(self.burst))
    }

    /// Why a frame breaks the limits, if it does. Its compressed parts are inflated
    /// here, in the connection's own task, so a bomb never reaches the hub.
    pub fn check(&self, frame: &[u8], rate: &DefaultDirectRateLimiter) -> Option<String> {
        if frame.len() > self.max_frame_bytes {
            return Some(format!(
                "frame of {} bytes exceeds the server's limit of {} bytes",
                frame.len(),
                self.max_frame_bytes
            ));
        }
        if rate.check().is_err() {
            return Some(format!(
                "too many messages: the limit is {} per second (bursts of {})",
                self.messages_per_sec, self.burst
            ));
        }
        // DEFLATE grows data at most 1032-fold: a frame that small cannot reach the cap,
        // and is not decoded twice (the hub decodes it anyway).
        if frame.len().saturating_mul(DEFLATE_MAX_RATIO) <= self.max_inflated_bytes {
            return None;
        }
        match ProtocolMessage::decode(frame) {
            Ok(ProtocolMessage::Sync { data, .. } | ProtocolMessage::Request { data, .. }) => {
                inflation::check(&data, self.max_inflated_bytes)
                    .err()
                    .map(|e| e.to_string())
            }
            _ => None,
        }
    }
}
