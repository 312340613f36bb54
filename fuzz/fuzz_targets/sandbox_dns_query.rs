#![no_main]
//! Any bytes as a DNS query to the sandbox's DNS server: it must answer (or stay
//! silent) without panicking, and every answer must be a well-formed, small response
//! to that query.
use dsca_sandbox::net::dns::exchange;
use libfuzzer_sys::fuzz_target;
use std::net::Ipv4Addr;

fuzz_target!(|data: &[u8]| {
    let result = exchange(data, |_| Ipv4Addr::new(198, 18, 0, 1));
    if !result.malformed {
        assert_eq!(result.questions.len(), 1);
    }
    if let Some(response) = result.response {
        assert!(response.len() <= 512, "{} bytes", response.len());
        let parsed = dsca_pcap::dns::parse(&response).expect("the answer parses");
        assert!(parsed.is_response);
        assert_eq!(response.get(..2), data.get(..2));
        if !result.malformed {
            assert_eq!(parsed.questions.len(), 1);
            assert_eq!(parsed.questions[0].name, result.questions[0].name);
        }
    }
});
