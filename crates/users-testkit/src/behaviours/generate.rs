use std::collections::HashSet;

use users_domain::{Error, ExposeSecret as _};

use crate::setup::{Setup, expect_err, holder, ids, own_keys};
use crate::{Fault, Harness, Mutation};

/// A generated key authenticates as the user who generated it.
pub async fn generated_key_authenticates_as_the_caller(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);

    let generated = ada.generate_api_key(None).await.expect("generate");

    let me = holder(&s, &generated.secret)
        .await
        .expect("the new key authenticates");
    assert_eq!(me.username.as_str(), "ada");
    assert_eq!(me.id, ada.viewer().await.expect("viewer").id);
}

/// A generated key is listed among the caller's keys, with its description.
pub async fn generated_key_is_listed_with_its_description(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);

    let described = ada
        .generate_api_key(Some("nightly job".to_owned()))
        .await
        .expect("generate");
    let plain = ada.generate_api_key(None).await.expect("generate");

    let listed = own_keys(&*ada).await;
    let find =
        |id: &users_domain::ApiKeyId| listed.iter().find(|key| key.id == *id).expect("listed");
    assert_eq!(
        find(&described.key.id).description.as_deref(),
        Some("nightly job")
    );
    assert_eq!(find(&plain.key.id).description, None);
    assert_eq!(listed.len(), 4);
}

/// Every generated key has its own secret and its own id.
pub async fn generated_secrets_are_distinct(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.as_(&s.fx.adele);

    let mut secrets = HashSet::new();
    let mut ids = HashSet::new();
    for _ in 0..3 {
        let generated = adele.generate_api_key(None).await.expect("generate");
        secrets.insert(generated.secret.expose_secret().to_owned());
        ids.insert(generated.key.id.to_string());
    }

    assert_eq!((secrets.len(), ids.len()), (3, 3));
    assert!(!secrets.contains(s.fx.adele.secret().expose_secret()));
}

/// A server that hides the new secret makes `generate_api_key` a `Protocol`
/// error that leaves no new key alive; a server that reveals it never does.
pub async fn generate_with_a_hidden_secret_is_protocol_and_leaves_no_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.as_(&s.fx.adele);
    let before = ids(&own_keys(&*adele).await);
    let staged = s.world.stage(Fault::HideSecret);

    let result = adele.generate_api_key(Some("hidden".to_owned())).await;

    let after = ids(&own_keys(&*adele).await);
    if staged {
        expect_err!(result, Error::Protocol { .. });
        assert_eq!(after, before, "no key left alive");
    } else {
        let generated = result.expect("generate");
        let me = holder(&s, &generated.secret)
            .await
            .expect("revealed secret works");
        assert_eq!(me.username.as_str(), "adele");
        assert_eq!(after.len(), before.len() + 1);
    }
}

/// A generate whose answer is lost is `Ambiguous` or else leaves no key alive
/// that nobody holds; one whose answer arrives adds exactly the key returned.
pub async fn generate_with_a_lost_answer_leaves_no_unheld_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.as_(&s.fx.adele);
    let before = ids(&own_keys(&*adele).await);
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::GenerateApiKey));

    let result = adele.generate_api_key(None).await;

    let after = ids(&own_keys(&*adele).await);
    match result {
        Err(Error::Ambiguous { .. }) if staged => {}
        Err(error) if staged => assert_eq!(after, before, "after {error:?}, no unheld key"),
        Ok(generated) => {
            let mut expected = before.clone();
            expected.push(generated.key.id.to_string());
            expected.sort();
            assert_eq!(after, expected);
            assert!(
                holder(&s, &generated.secret).await.is_ok(),
                "the key returned works"
            );
        }
        Err(error) => panic!("generate failed without a fault: {error:?}"),
    }
}
