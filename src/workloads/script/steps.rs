//! Where an event loop may pause a script's task: `fn task`'s body cut at each `sleep(…)` that
//! stands as a statement of its own at the body's top level, so the loop can run the stretches
//! between them and await each sleep as a timer, as a coroutine awaits `asyncio.sleep(…)`.
//!
//! The interpreter cannot suspend a call midway, so a sleep nested in a block, a loop or another
//! function is not a place to pause: there the task sleeps inside its stretch, holding the loop,
//! as `time.sleep` does inside a coroutine. Nor is a sleep after a `return` that might run: the
//! stretch before it could end the task.

use rhai::{AST, ASTFlags, ASTNode, Expr, Position, Stmt};

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
    // (Rhai's `clone_functions_only_filtered` keeps every function when it copies into an empty
    // library, so the task's body is told apart by where it stands in the source.)
    let task = (ast.iter_fn_def()).find(|f| f.name == "task" && f.params.len() == 1);
    let param = (task.and_then(|f| f.params.first())).map_or_else(|| "i".into(), |p| p.to_string());
    let at = |p: Position| (p.line().unwrap_or(0), p.position().unwrap_or(0));
    let span = task.map(|f| (at(f.body.start_position()), at(f.body.end_position())));
    let in_task = |p: Position| span.is_some_and(|(start, end)| (start..=end).contains(&at(p)));
    // A script's own `fn sleep` is called, not awaited.
    let own_sleep = ast.iter_functions().any(|f| f.name == "sleep");
    let mut body: Vec<Stmt> = Vec::new();
    let mut first_return = None;
    ast.walk(&mut |path: &[ASTNode]| {
        let Some(ASTNode::Stmt(outer)) = path.first() else {
            return true;
        };
        if !in_task(outer.position()) {
            return true;
        }
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
/// (Only Rhai's optimizer, which the interpreter is built without, makes a call statement a
/// `Stmt::FnCall`: the parser's is an expression statement.)
fn sleep_call(stmt: &Stmt) -> Option<(Expr, Position)> {
    let Stmt::Expr(expr) = stmt else { return None };
    match expr.as_ref() {
        Expr::FnCall(call, pos) if call.name == "sleep" && call.args.len() == 1 => {
            Some((call.args[0].clone(), *pos))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fn task`'s parameter and, per piece, the line of the sleep it ends at.
    fn pauses(source: &str) -> (String, Vec<Option<usize>>) {
        let ast = rhai::Engine::new_raw().compile(source).expect("a script");
        let (param, pieces) = cut(&ast);
        (
            param,
            pieces
                .iter()
                .map(|p| p.sleep.and_then(|s| s.line()))
                .collect(),
        )
    }

    #[test]
    fn a_task_pauses_at_each_sleep_of_its_own_body_before_any_return() {
        let two = "fn task(n) {\n  let a = n;\n  sleep(5);\n  a += 1;\n  sleep(a);\n  a\n}";
        assert_eq!(pauses(two), ("n".into(), vec![Some(3), Some(5), None]));
        let returning = "fn task(i) {\n  sleep(5);\n  return i;\n  sleep(6);\n}";
        assert_eq!(pauses(returning).1, [Some(2), None]);
        let inside = "fn task(i) {\n  sleep(if i > 0 { return 1 } else { 5 });\n  sleep(6);\n}";
        assert_eq!(
            pauses(inside).1,
            [None],
            "the sleep's own stretch might return"
        );
        // Another function's body, even of one parameter and first, is not the task's.
        let helper =
            "fn twice(x) {\n  sleep(1);\n  x * 2\n}\nfn task(k) {\n  sleep(2);\n  twice(k)\n}";
        assert_eq!(pauses(helper), ("k".into(), vec![Some(6), None]));
        let other = "fn task(i, j) {\n  sleep(1);\n}\nfn task(i) {\n  sleep(2);\n  i\n}";
        assert_eq!(pauses(other).1, [Some(5), None]);
    }

    #[test]
    fn only_a_call_of_sleep_with_one_argument_is_a_pause() {
        let calls = "fn task(i) {\n  abs(i);\n  sleep(1, 2);\n  let s = sleep;\n  i\n}";
        assert_eq!(pauses(calls).1, [None]);
        let own = "fn sleep(ms) { ms }\nfn task(i) {\n  sleep(1);\n  i\n}";
        assert_eq!(pauses(own).1, [None], "a script's own sleep is called");
    }
}
