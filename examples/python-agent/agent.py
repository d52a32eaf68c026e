#!/usr/bin/env python3
"""A small tool-calling agent for Agent Chaos Lab, over HTTP, on Python's standard library only.

The lab starts it (AGENT_COMMAND) with what it needs in the environment:
  CHAOS_LAB_HANDOFF_FILE  JSON: the model's URL and every tool's proxy URL and HTTP shape
  CHAOS_LAB_AGENT_HOST, CHAOS_LAB_AGENT_PORT  where to listen (AGENT_URL's host and port)

It serves
  GET  /health  -> 200 {"status": "ok"}
  POST /prompt  {"id", "index", "attempt", "prompt", "requestIdPrefix"}
                -> 200 {"answer": str | null, "unhandled"?: str}, or 502 {"error": str} when the model fails

Per prompt: ask the model (OpenAI chat completions, with the tools), make the tool calls it asks for
through the proxies (retrying a failed one), give it the results, until it answers without a tool call.
As docs/your-agent.md asks, every request carries the prompt's requestIdPrefix in X-Request-Id:
<requestIdPrefix>m<call>#<attempt> to the model, <requestIdPrefix>c<call>#<attempt> to a tool, so the
lab ties what the services saw to the prompt for certain and its faults (LLM faults included) reach it.
"""
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANDOFF = json.load(open(os.environ["CHAOS_LAB_HANDOFF_FILE"], encoding="utf-8"))
TOOLS = {tool["name"]: tool for tool in HANDOFF["tools"]}
MODEL = HANDOFF["model"]
MAX_STEPS = 8  # model turns per prompt
TOOL_ATTEMPTS = 3  # attempts of one tool call through its proxy
TOOL_TIMEOUT_S = 5
MODEL_ATTEMPTS = 3  # requests of one model call, on a 429, a 5xx or a network error
MODEL_TIMEOUT_S = 30
MAX_RETRY_WAIT_S = 5  # the longest Retry-After (or backoff) waited before asking the model again


def http_json(method, url, body=None, headers=None, timeout=TOOL_TIMEOUT_S):
    """One HTTP request with a JSON body; returns (status, parsed JSON or text, response headers)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, got = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, raw, got = err.code, err.read(), err.headers
    try:
        return status, json.loads(raw), got
    except ValueError:
        return status, raw.decode(errors="replace"), got


def ask_model(messages, tools, request_id):
    """One model call: up to MODEL_ATTEMPTS requests, again on a 429, a 5xx, a body that is not JSON or a
    network error, after the server's Retry-After (at most MAX_RETRY_WAIT_S). Returns the completion;
    raises RuntimeError when none came.
    """
    last = "no request made"
    for attempt in range(1, MODEL_ATTEMPTS + 1):
        wait = 0.2 * attempt
        try:
            status, completion, headers = http_json(
                "POST", MODEL["baseUrl"] + "/chat/completions", {"model": MODEL["name"], "messages": messages, "tools": tools},
                {"X-Request-Id": f"{request_id}#{attempt}"}, timeout=MODEL_TIMEOUT_S)
        except (OSError, http.client.HTTPException) as err:  # refused, reset, timed out, cut
            last = f"network error: {err!r}"
        else:
            if status == 200 and isinstance(completion, dict):
                return completion
            last = f"HTTP {status}: {str(completion)[:200]}"
            if 400 <= status < 500 and status != 429:
                break  # an answer (401, 400, ...): asking again gets the same
            retry_after = (headers.get("retry-after") or "").strip()
            wait = float(retry_after) if retry_after.isdigit() else wait
        if attempt < MODEL_ATTEMPTS:
            time.sleep(min(wait, MAX_RETRY_WAIT_S))
    raise RuntimeError(f"the model gave no answer: {last}")


def call_tool(name, args, request_id):
    """Calls a tool through its proxy, up to TOOL_ATTEMPTS times on a network error or a 5xx.

    Returns the text for the model: the service's JSON answer, or {"error": why} when there is none.
    """
    tool = TOOLS.get(name)
    if tool is None:
        return json.dumps({"error": f"no tool named {name}"})
    query = {field: args[arg] for field, arg in tool["query"].items() if args.get(arg) is not None}
    body = {field: args[arg] for field, arg in tool["body"].items() if args.get(arg) is not None}
    if tool.get("requestId"):  # one idempotency key per call, the same on its retries
        (query if tool["requestId"]["in"] == "query" else body)[tool["requestId"]["field"]] = request_id
    url = tool["url"] + tool["path"] + ("?" + urllib.parse.urlencode(query) if query else "")
    last = "no attempt made"
    for attempt in range(1, TOOL_ATTEMPTS + 1):
        try:
            status, result, _ = http_json(tool["method"], url, body or None, {"X-Request-Id": f"{request_id}#{attempt}"})
        except OSError as err:  # refused, reset, timed out
            last = f"network error: {err}"
        else:
            if status < 500:
                return json.dumps(result if status < 400 or isinstance(result, dict) else {"error": f"HTTP {status}: {result}"})
            last = f"HTTP {status}"
        time.sleep(0.05 * attempt)
    return json.dumps({"error": f"{name} gave no result after {TOOL_ATTEMPTS} attempts; last: {last}"})


def answer(prompt):
    """Runs one prompt to its answer: {"answer": ..., "unhandled"?: ...}."""
    system = f"You are a helpful assistant with tools. Today is {HANDOFF['today']} (UTC). Answer from the tool results only."
    messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt["prompt"]}]
    tools = [{"type": "function", "function": {"name": t["name"], "description": t["description"], "parameters": t["parameters"]}} for t in HANDOFF["tools"]]
    calls = 0
    for step in range(1, MAX_STEPS + 1):
        completion = ask_model(messages, tools, f"{prompt['requestIdPrefix']}m{step}")
        message = completion["choices"][0]["message"]
        messages.append(message)
        if not message.get("tool_calls"):
            reply = {"answer": message.get("content")}
            unhandled = (completion.get("chaos_lab") or {}).get("unhandled")
            return {**reply, "unhandled": unhandled} if unhandled else reply
        for tool_call in message["tool_calls"]:
            calls += 1
            args = json.loads(tool_call["function"].get("arguments") or "{}")
            result = call_tool(tool_call["function"]["name"], args, f"{prompt['requestIdPrefix']}c{calls}")
            messages.append({"role": "tool", "tool_call_id": tool_call["id"], "content": result})
    return {"answer": None}


class Handler(BaseHTTPRequestHandler):
    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.send(200, {"status": "ok"}) if self.path == "/health" else self.send(404, {"error": f"no route GET {self.path}"})

    def do_POST(self):
        if self.path != "/prompt":
            return self.send(404, {"error": f"no route POST {self.path}"})
        try:
            prompt = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        except ValueError as err:
            return self.send(400, {"error": f"the body is not JSON: {err}"})
        try:
            self.send(200, answer(prompt))
        except (OSError, RuntimeError, KeyError, ValueError) as err:
            self.send(502, {"error": str(err)})

    def log_message(self, format, *args):
        sys.stderr.write("python-agent: " + format % args + "\n")


if __name__ == "__main__":
    server = ThreadingHTTPServer((os.environ.get("CHAOS_LAB_AGENT_HOST", "127.0.0.1"), int(os.environ["CHAOS_LAB_AGENT_PORT"])), Handler)
    print(f"python-agent listening on {server.server_address}", flush=True)
    server.serve_forever()
