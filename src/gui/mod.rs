//! The windowed side of redscreen (the `gui` feature): for now the warning page in a Bevy
//! window, drawn from the same layout as the PNG. The window only reads a layout; it decides
//! nothing about the page.

mod page;

pub use page::{PageWindow, Relayout, show_page};
