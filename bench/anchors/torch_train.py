# PyTorch anchor for bench/train.bench.ts: the same network (conv4, alexnet, resnet-small, vgg19), SGD momentum 0.9,
# weight decay 5e-4, random data; prints one JSON line. Args: H W C batch steps [device]
import json, resource, sys, time
import torch
import torch.nn as nn

h, w, c, batch, steps = (int(a) for a in sys.argv[1:6])
device = sys.argv[6] if len(sys.argv) > 6 else 'cpu'
arch = sys.argv[7] if len(sys.argv) > 7 else 'conv4'
if device == 'cpu':
    torch.set_num_threads(int(__import__('os').environ.get('TORCH_THREADS', '2')))
torch.manual_seed(0)

def conv4(num_classes=10):
    layers, cin = [], c
    for cout in (16, 32, 64, 128):
        layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        cin = cout
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * (h // 16) * (w // 16), num_classes))

def vgg19(num_classes=10):
    cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']
    layers, cin = [], c
    for v in cfg:
        if v == 'M':
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU(inplace=True)]
            cin = v
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * (h // 32) * (w // 32), 4096), nn.ReLU(True), nn.Dropout(),
                         nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, num_classes))

def alexnet(num_classes=10):
    # Caffe's reference model without LRN, as src/training/models.ts builds it.
    side = lambda n: ((((n - 11) // 4 + 1 - 3) // 2 + 1 - 3) // 2 + 1 - 3) // 2 + 1
    return nn.Sequential(
        nn.Conv2d(c, 96, 11, stride=4), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(256 * side(h) * side(w), 4096), nn.ReLU(True), nn.Dropout(),
        nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(), nn.Linear(4096, num_classes))

class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.proj = nn.Conv2d(cin, cout, 1, stride=stride) if stride != 1 or cin != cout else None
    def forward(self, x):
        y = self.conv2(torch.relu(self.conv1(x)))
        return torch.relu(y + (self.proj(x) if self.proj is not None else x))

def resnet_small(num_classes=10):
    layers, cin = [nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(inplace=True)], 16
    for stage, cout in enumerate((16, 32, 64)):
        for block in range(2):
            layers.append(Block(cin, cout, 2 if stage > 0 and block == 0 else 1))
            cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, num_classes))

net = {'vgg19': vgg19, 'alexnet': alexnet, 'resnet-small': resnet_small}.get(arch, conv4)().to(device)
opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9, weight_decay=5e-4)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(batch, c, h, w, device=device)
y = torch.randint(0, 10, (batch,), device=device)

def sync():
    if device != 'cpu':
        torch.cuda.synchronize()

def train_step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()

net.train()
for _ in range(2):
    train_step()
sync()
t = time.perf_counter()
for _ in range(steps):
    train_step()
sync()
train_ips = batch * steps / (time.perf_counter() - t)

net.eval()
with torch.no_grad():
    for _ in range(2):
        net(x)
    sync()
    t = time.perf_counter()
    n = steps * 3
    for _ in range(n):
        net(x)
    sync()
    infer_ips = batch * n / (time.perf_counter() - t)

cap = None
try:
    cap = torch.backends.cpu.get_cpu_capability()
except Exception:
    import re
    m = re.search(r'CPU capability usage: (\S+)', torch.__config__.show())
    cap = m.group(1) if m else None
print(json.dumps({
    'torch': torch.__version__, 'device': device, 'threads': torch.get_num_threads(), 'cpu_capability': cap,
    'mkldnn': torch.backends.mkldnn.is_available(),
    'train_img_per_s': round(train_ips, 2), 'infer_img_per_s': round(infer_ips, 2),
    'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
