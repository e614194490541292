//! Where an event loop may pause a script's task: `fn task`'s body cut at each `sleep(…)` that
//! stands as a statement of its own at the body's top level, so the loop can run the stretches
//! between them and await each sleep as a timer, as a coroutine awaits `asyncio.sleep(…)`.
//!
//! The interpreter cannot suspend a call midway, so a sleep nested in a block, a loop or another
//! function is not a place to pause: there the task sleeps inside its stretch, holding the loop,
//! as `time.sleep` does inside a coroutine. Nor is a sleep after a `return` that might run: the
//! stretch before it could end the task.

use rhai::{AST, ASTFlags, ASTNode, Expr, FnCallExpr, Position, Stmt};

/// One stretch of a task's body, run without a pause. Where it ends at a sleep, its last
/// statement is that sleep's argument, so the stretch's value is how long to sleep, and
/// `sleep` is where the call stands.
pub struct Piece {
    pub ast: AST,
    pub sleep: Option<Position>,
}

/// The name of `fn task`'s parameter, and its body cut into [`Piece`]s (one, when it has no
/// place to pause). `ast` has a `fn task(i)` (see `with_ast`).
pub fn cut(ast: &AST) -> (String, Vec<Piece>) {
    let task =
        ast.clone_functions_only_filtered(|_, _, _, name, params| name == "task" && params == 1);
    let param = task
        .iter_functions()
        .next()
        .and_then(|f| f.params.first().map(|p| p.to_string()))
        .unwrap_or_else(|| "i".into());
    // A script's own `fn sleep` is called, not awaited.
    let own_sleep = ast.iter_functions().any(|f| f.name == "sleep");
    let mut body: Vec<Stmt> = Vec::new();
    let mut first_return = None;
    task.walk(&mut |path: &[ASTNode]| {
        if let [ASTNode::Stmt(stmt)] = path {
            body.push((*stmt).clone());
        }
        if let Some(ASTNode::Stmt(Stmt::Return(_, flags, _))) = path.last()
            && !flags.intersects(ASTFlags::BREAK)
        {
            first_return.get_or_insert(body.len() - 1);
        }
        true
    });
    let lib = ast.shared_lib().clone();
    let mut pieces = Vec::new();
    let mut stretch = Vec::new();
    for (at, stmt) in body.into_iter().enumerate() {
        match sleep_call(&stmt) {
            Some((arg, pos)) if !own_sleep && first_return.is_none_or(|r| at < r) => {
                stretch.push(Stmt::Expr(Box::new(arg)));
                pieces.push(Piece {
                    ast: AST::new(std::mem::take(&mut stretch), lib.clone()),
                    sleep: Some(pos),
                });
            }
            _ => stretch.push(stmt),
        }
    }
    pieces.push(Piece {
        ast: AST::new(stretch, lib),
        sleep: None,
    });
    (param, pieces)
}

/// A statement that is a call of `sleep` with one argument: that argument and where it stands.
fn sleep_call(stmt: &Stmt) -> Option<(Expr, Position)> {
    let one = |call: &FnCallExpr| (call.name == "sleep" && call.args.len() == 1).then_some(());
    match stmt {
        Stmt::FnCall(call, pos) => one(call).map(|()| (call.args[0].clone(), *pos)),
        Stmt::Expr(expr) => match expr.as_ref() {
            Expr::FnCall(call, pos) => one(call).map(|()| (call.args[0].clone(), *pos)),
            _ => None,
        },
        _ => None,
    }
}
