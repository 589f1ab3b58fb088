//! A JSON-RPC proxy in front of a node, playing a dishonest or odd RPC server: every answer
//! passes through a rewrite, every request is kept.
use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
};

use serde_json::{json, Value};

pub type Rewrite = dyn Fn(&str, &Value, &mut Value) + Send + Sync;

/// A JSON-RPC proxy in front of `upstream`: every answer passes through `rewrite(method,
/// params, answer)`; every request is kept.
pub struct Proxy {
    pub url: String,
    pub requests: Arc<Mutex<Vec<(String, Value)>>>,
}

impl Proxy {
    pub fn start(upstream: String, rewrite: Box<Rewrite>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/rpc", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let kept = requests.clone();
        let rewrite: Arc<Rewrite> = Arc::from(rewrite);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (upstream, kept, rewrite) = (upstream.clone(), kept.clone(), rewrite.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut stream = stream;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut length = 0;
                        loop {
                            let mut header = String::new();
                            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                                return;
                            }
                            let header = header.trim_end();
                            if header.is_empty() {
                                break;
                            }
                            if let Some((k, v)) = header.split_once(':') {
                                if k.eq_ignore_ascii_case("content-length") {
                                    length = v.trim().parse().unwrap();
                                }
                            }
                        }
                        let mut body = vec![0; length];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let request: Value = serde_json::from_slice(&body).unwrap();
                        let method = request["method"].as_str().unwrap_or("").to_string();
                        kept.lock()
                            .unwrap()
                            .push((method.clone(), request["params"].clone()));
                        let mut answer: Value = match ureq::post(&upstream)
                            .set("content-type", "application/json")
                            .send_bytes(&body)
                        {
                            Ok(r) => r.into_json().unwrap(),
                            Err(ureq::Error::Status(_, r)) => r.into_json().unwrap_or(json!({})),
                            Err(_) => return,
                        };
                        rewrite(&method, &request["params"], &mut answer);
                        let text = answer.to_string();
                        if write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                            text.len()
                        )
                        .is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Proxy { url, requests }
    }
}
