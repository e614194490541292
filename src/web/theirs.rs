//! A sweep received in a share link: whose machine measured it, and the buttons that run it here
//! or hide it.

use crate::state::Theirs;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct TheirsProps {
    pub theirs: std::rc::Rc<Theirs>,
    pub running: bool,
    pub on_run: Callback<MouseEvent>,
    pub on_hide: Callback<MouseEvent>,
}

/// What a share link brought: whose machine, what sweep, and the button that runs it here.
#[component]
pub fn TheirsPanel(props: &TheirsProps) -> Html {
    html! {
        <div class="theirs" id="theirs">
            <p>
                <strong>{ "Theirs: " }</strong>
                { props.theirs.describe() }
            </p>
            <button id="run-compare" onclick={props.on_run.clone()} disabled={props.running}>{ "Run it here and compare" }</button>
            <button id="hide-theirs" class="secondary" onclick={props.on_hide.clone()} disabled={props.running}>{ "Hide theirs" }</button>
        </div>
    }
}
