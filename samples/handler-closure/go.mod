module example.com/samples/handler-closure

go 1.21
