module example.com/markup

go 1.21
