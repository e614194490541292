//! What the page's sections and run drivers share: they render what the App hands them from
//! the page's one [`State`] and send it [`Action`](crate::state::Action)s through this.

use crate::state::State;
use yew::prelude::*;

/// What components and run drivers send actions through.
pub type Dispatcher = UseReducerDispatcher<State>;
