// talos-events-client publishes Talos runtime events to an events sink the way Talos's
// EventsSinkController does: one grpc-go ClientConn dialled with insecure credentials to the
// address of the talos.events.sink kernel argument, one unary events.EventSinkService/Publish per
// event, each an EventRequest{data: Any{type.googleapis.com/machine.<Event>}, id: <event id>}.
//
// It exists for nett-boot's tests (no Talos machine is needed to exercise the sink with the real
// grpc-go transport). The messages are encoded with google.golang.org/protobuf (protowire and
// anypb), field numbers from Talos's api/machine/machine.proto and siderolink's
// api/events/events.proto.
//
// Usage: talos-events-client -sink '[::1]:4002' [-config URL -ca FILE] [-install-run] EVENT...
//
//	sequence:<name>:<noop|start|stop>[:<error message>]
//	phase:<name>:<start|stop>     task:<name>:<start|stop>
//	status:<stage>[:ready]        (stage as in MachineStatusEvent.MachineStage, e.g. installing)
//	configerror:<text>            service:<name>   (a ServiceStateEvent)
//	raw:<hex>                     (the request body as given: for malformed-input tests)
//
// With -dump it prints each request body in hex instead of sending it. With -config it first
// fetches the machine config from the talos.config URL over TLS trusting only the CA in -ca (as
// Talos does with talos.config.early), retrying for a while as Talos does. -install-run appends
// the events a netbooted Talos sends while it installs itself (initialize, install, reboot).
//
// Prints one line per event ("ok N" or "error N code=<code> msg=<message>"); exits 3 when any
// event was refused, 2 on bad usage.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// rawCodec passes pre-encoded protobuf bytes through (the content type stays application/grpc).
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

var stages = map[string]uint64{"unknown": 0, "booting": 1, "installing": 2, "maintenance": 3,
	"running": 4, "rebooting": 5, "shutting_down": 6, "resetting": 7, "upgrading": 8}

func str(b []byte, field protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func varint(b []byte, field protowire.Number, v uint64) []byte {
	if v == 0 { // proto3 leaves zero values out
		return b
	}
	b = protowire.AppendTag(b, field, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func message(b []byte, field protowire.Number, m []byte) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

func action(s string, names ...string) (uint64, error) {
	for i, n := range names {
		if s == n {
			return uint64(i), nil
		}
	}
	return 0, fmt.Errorf("action %q is not one of %v", s, names)
}

// payload returns the event's type name and encoded message, or a raw request body.
func payload(spec string) (typ string, value []byte, raw []byte, err error) {
	parts := strings.SplitN(spec, ":", 4)
	switch parts[0] {
	case "sequence":
		if len(parts) < 3 {
			return "", nil, nil, fmt.Errorf("sequence:<name>:<action>[:<error>]")
		}
		a, err := action(parts[2], "noop", "start", "stop")
		if err != nil {
			return "", nil, nil, err
		}
		v := str(nil, 1, parts[1])
		v = varint(v, 2, a)
		if len(parts) == 4 { // common.Error{code = 1 (FATAL), message = 2}
			v = message(v, 3, str(varint(nil, 1, 0), 2, parts[3]))
		}
		return "machine.SequenceEvent", v, nil, nil
	case "phase", "task":
		if len(parts) != 3 {
			return "", nil, nil, fmt.Errorf("%s:<name>:<start|stop>", parts[0])
		}
		a, err := action(parts[2], "start", "stop")
		if err != nil {
			return "", nil, nil, err
		}
		name := map[string]string{"phase": "machine.PhaseEvent", "task": "machine.TaskEvent"}[parts[0]]
		return name, varint(str(nil, 1, parts[1]), 2, a), nil, nil
	case "status":
		st, ok := stages[parts[1]]
		if !ok {
			return "", nil, nil, fmt.Errorf("unknown stage %q", parts[1])
		}
		ready := uint64(0)
		if len(parts) > 2 && parts[2] == "ready" {
			ready = 1
		}
		return "machine.MachineStatusEvent", message(varint(nil, 1, st), 2, varint(nil, 1, ready)), nil, nil
	case "configerror":
		return "machine.ConfigLoadErrorEvent", str(nil, 1, strings.Join(parts[1:], ":")), nil, nil
	case "service":
		return "machine.ServiceStateEvent", varint(str(nil, 1, parts[1]), 2, 3), nil, nil
	case "raw":
		b, err := hex.DecodeString(parts[1])
		return "", nil, b, err
	}
	return "", nil, nil, fmt.Errorf("unknown event kind %q", parts[0])
}

// installRun is what Talos reports while a netbooted node installs itself.
var installRun = []string{
	"sequence:initialize:start", "status:booting", "phase:config:start", "phase:config:stop",
	"sequence:initialize:stop",
	"sequence:install:start", "status:installing", "phase:env:start", "phase:env:stop",
	"phase:containerd:start", "phase:containerd:stop", "phase:install:start",
	"task:install:start", "task:install:stop", "phase:install:stop",
	"phase:saveStateEncryptionConfig:start", "phase:saveStateEncryptionConfig:stop",
	"phase:stopEverything:start", "phase:stopEverything:stop", "status:rebooting",
	"phase:reboot:start",
}

// fetchConfig GETs the config URL trusting only the given CA, retrying like Talos does.
func fetchConfig(url, caFile string) error {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("%s: no certificate", caFile)
	}
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	var last error
	for attempt := 1; attempt <= 10; attempt++ {
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				fmt.Printf("config %d bytes\n", len(body))
				return nil
			}
			err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
		}
		last = err
		fmt.Fprintf(os.Stderr, "config fetch attempt %d: %v\n", attempt, err)
		time.Sleep(2 * time.Second)
	}
	return last
}

func main() {
	sink := flag.String("sink", "", "events sink address, as in talos.events.sink ([addr]:port)")
	timeout := flag.Duration("timeout", 10*time.Second, "deadline per event")
	dump := flag.Bool("dump", false, "print each request body in hex instead of sending it")
	configURL := flag.String("config", "", "fetch this talos.config URL first")
	caFile := flag.String("ca", "", "PEM CA the config server's certificate must chain to")
	install := flag.Bool("install-run", false, "send the events of a successful install first")
	flag.Parse()
	events := flag.Args()
	if *install {
		events = append(append([]string{}, installRun...), events...)
	}
	if *configURL != "" {
		if err := fetchConfig(*configURL, *caFile); err != nil {
			fmt.Fprintln(os.Stderr, "config:", err)
			os.Exit(4)
		}
	}
	if *sink == "" || len(events) == 0 {
		fmt.Fprintln(os.Stderr, "usage: talos-events-client -sink '[addr]:port' EVENT...")
		os.Exit(2)
	}
	conn, err := grpc.Dial(*sink, grpc.WithInsecure())
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(2)
	}
	defer conn.Close()
	refused := false
	for i, spec := range events {
		typ, value, body, err := payload(spec)
		if err != nil {
			fmt.Fprintf(os.Stderr, "event %d (%s): %v\n", i, spec, err)
			os.Exit(2)
		}
		if body == nil {
			anyBytes, err := proto.Marshal(&anypb.Any{TypeUrl: "type.googleapis.com/" + typ, Value: value})
			if err != nil {
				fmt.Fprintln(os.Stderr, "marshal:", err)
				os.Exit(2)
			}
			body = message(nil, 1, anyBytes)
			body = str(body, 2, fmt.Sprintf("ctest%015d", i))
		}
		if *dump {
			fmt.Println(hex.EncodeToString(body))
			continue
		}
		var reply []byte
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		err = conn.Invoke(ctx, "/events.EventSinkService/Publish", &body, &reply, grpc.ForceCodec(rawCodec{}))
		cancel()
		if err != nil {
			st, _ := status.FromError(err)
			fmt.Printf("error %d code=%s msg=%s\n", i, st.Code(), st.Message())
			refused = true
			continue
		}
		fmt.Printf("ok %d\n", i)
	}
	if refused {
		os.Exit(3)
	}
}
