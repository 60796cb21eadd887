//! Links of the handler tree that let the rest of the tree run first and then act on what it
//! was given, whatever the outcome: marking an update handled, claiming it as done.
use std::future::Future;
use std::sync::Arc;

use teloxide::dispatching::{DpHandlerDescription, UpdateHandler};
use teloxide::dptree::{self, HandlerDescription as _, HandlerSignature};
use teloxide::prelude::DependencyMap;

use crate::BotError;

/// Where the link stands: first in the tree (its entry), or inside a chain.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    Entry,
    Link,
}

/// Runs the rest of the tree, then `then` with the dependencies the rest started from.
pub fn afterwards<F, Fut>(place: Place, then: F) -> UpdateHandler<BotError>
where
    F: Fn(DependencyMap) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let then = Arc::new(then);
    let signature = match place {
        Place::Entry => HandlerSignature::Entry,
        // Needs nothing, provides nothing, continues.
        Place::Link => HandlerSignature::Other {
            obligations: Default::default(),
            guaranteed_outcomes: Default::default(),
            conditional_outcomes: Default::default(),
            continues: true,
        },
    };
    dptree::from_fn_with_description(
        DpHandlerDescription::entry(),
        move |deps: DependencyMap, cont| {
            let then = Arc::clone(&then);
            async move {
                let given = deps.clone();
                let outcome = cont(deps).await;
                then(given).await;
                outcome
            }
        },
        signature,
    )
}
