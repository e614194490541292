//! What the page's sections and run drivers share: each renders from the page's one [`State`]
//! and sends it [`Action`](crate::state::Action)s.

use crate::state::State;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct StateProps {
    pub state: UseReducerHandle<State>,
}

/// What components and run drivers send actions through.
pub type Dispatcher = UseReducerDispatcher<State>;
